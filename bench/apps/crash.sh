#!/bin/sh
# The crash-to-restart app: appends "S <time>" when it starts, stays up UP seconds, appends "E <time>"
# and exits 1. The gap a manager leaves is the next S minus the previous E (wall clock, ns resolution).
# Usage: crash.sh STAMPFILE UP
echo "S $(date +%s.%N)" >> "$1"
sleep "$2"
echo "E $(date +%s.%N)" >> "$1"
exit 1
