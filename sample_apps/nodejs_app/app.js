'use strict';
/**
 * Sample Node.js app managed by pm.
 *
 * A small Express service with a /health endpoint and a background worker.
 * It knows nothing about pm beyond optional env vars.
 *
 * Env vars:
 *   HOST             bind address (default 127.0.0.1)
 *   PORT             listen port (default 3000)
 *   WORKER_INTERVAL  seconds between worker ticks, float allowed (default 5)
 *   LISTEN_FDS, LISTEN_PID
 *                    systemd socket activation: when LISTEN_PID is this process and LISTEN_FDS
 *                    is 1 or more, the app serves on the listening socket it inherited as fd 3
 *                    instead of binding HOST:PORT
 *   PM_PROCESS_ID    optional; set by pm. Echoed in the start log line and, with the
 *                    other PM_HEARTBEAT_* variables pm sets, used to send heartbeats
 */
const express = require('express');

const HOST = process.env.HOST || '127.0.0.1';
const PORT = parseInt(process.env.PORT || '3000', 10);
// Clamp so a bad value (NaN, 0, negative) can't turn the worker into a busy loop.
const WORKER_INTERVAL = Math.max(0.1, parseFloat(process.env.WORKER_INTERVAL) || 5);
const FORCE_EXIT_MS = 5000;

const startedAt = Date.now();
let workerTicks = 0;

// console.log is synchronous for files and pipes on POSIX, so lines reach
// pm's log files immediately.
function log(msg) {
  console.log(`${new Date().toISOString()} ${msg}`);
}

const app = express();

// One concise access-log line per request.
app.use((req, res, next) => {
  res.on('finish', () => log(`http: ${req.method} ${req.originalUrl} -> ${res.statusCode}`));
  next();
});

app.get('/health', (req, res) => {
  res.json({
    status: 'ok',
    uptime_s: (Date.now() - startedAt) / 1000,
    pid: process.pid,
    worker_ticks: workerTicks,
  });
});

app.get('/', (req, res) => {
  res.json({
    name: 'nodejs-app',
    description: 'Sample Express app with a background worker, managed by pm',
    links: { health: '/health' },
  });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found', path: req.originalUrl });
});

// Heartbeats to pm are sent automatically when PM_PROCESS_ID is set (the app was started by pm).
// pm puts clients/node on NODE_PATH, so require('pm-heartbeat') resolves there; run standalone it
// may not resolve, and the app works the same without it.
let heartbeat = null;
function startHeartbeats() {
  if (!process.env.PM_PROCESS_ID) return null;
  let hb;
  try {
    hb = require('pm-heartbeat');
  } catch (err) {
    log(`heartbeat client not available${err.code === 'MODULE_NOT_FOUND' ? '' : `: ${err.message}`}`);
    return null;
  }
  const client = hb.start(); // unref()ed: never keeps the app alive
  log(client.enabled
    ? `heartbeats to pm every ${client.interval}s`
    : 'heartbeats off: PM_HEARTBEAT_ADDR/PM_HEARTBEAT_SECRET not set');
  return client;
}

// Background worker: produce a random value every WORKER_INTERVAL seconds.
const worker = setInterval(() => {
  workerTicks += 1;
  const value = Math.round(Math.random() * 10000) / 100;
  log(`worker: tick ${workerTicks}, value=${value}`);
}, WORKER_INTERVAL * 1000);

// Socket activation (systemd's protocol, which pm --socket speaks): serve the socket passed as fd 3.
const activated = process.env.LISTEN_PID === String(process.pid) && parseInt(process.env.LISTEN_FDS || '0', 10) >= 1;
for (const name of ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES']) delete process.env[name]; // not for children
const onListening = () => {
  let line = `nodejs-app listening on http://${HOST}:${PORT} (${activated ? 'socket passed as fd 3, ' : ''}pid ${process.pid})`;
  if (process.env.PM_PROCESS_ID) line += ` pm_process_id=${process.env.PM_PROCESS_ID}`;
  log(line);
  if (!shuttingDown) heartbeat = startHeartbeats();
};
const server = activated ? app.listen({ fd: 3 }, onListening) : app.listen(PORT, HOST, onListening);

server.on('error', (err) => {
  const reason = err.code === 'EADDRINUSE'
    ? `port ${PORT} on ${HOST} is already in use`
    : `cannot listen on ${HOST}:${PORT}: ${err.message}`;
  console.error(`${new Date().toISOString()} error: ${reason}`);
  process.exit(1);
});

let shuttingDown = false;
function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`received ${signal}, shutting down`);
  clearInterval(worker);
  if (heartbeat) heartbeat.stop();

  // If keep-alive or slow clients hold the server open, don't hang forever.
  // unref() so this timer alone never keeps the process alive.
  setTimeout(() => {
    console.error(`${new Date().toISOString()} error: connections still open after ${FORCE_EXIT_MS} ms, forcing exit`);
    process.exit(1);
  }, FORCE_EXIT_MS).unref();

  server.close(() => {
    log('stopped cleanly');
    process.exit(0);
  });
  // Idle keep-alive sockets would otherwise delay close() (Node >= 18.2).
  if (server.closeIdleConnections) server.closeIdleConnections();
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
