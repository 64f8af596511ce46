'use strict';
/**
 * Heartbeats from a Node.js app to pm.
 *
 * pm gives every app it starts PM_PROCESS_ID, PM_HEARTBEAT_ADDR ("127.0.0.1:PORT"),
 * PM_HEARTBEAT_SECRET and PM_HEARTBEAT_INTERVAL, and puts clients/node on NODE_PATH, so
 *
 *   const client = require('pm-heartbeat').start();   // beats now, then every interval
 *   ...
 *   client.stop();
 *
 * works without installing anything. A heartbeat is one UDP datagram "PMHB1 <id> <secret>".
 * Sends never throw and never block; the timer and the socket are unref()ed so they never keep
 * the process alive. Outside pm (variables missing) start() returns a client that does nothing.
 *
 * Options (all optional, defaults from the environment):
 *   processId  number|string   PM_PROCESS_ID
 *   address    "host:port"     PM_HEARTBEAT_ADDR   ("[::1]:port" for IPv6)
 *   secret     string          PM_HEARTBEAT_SECRET
 *   interval   seconds         PM_HEARTBEAT_INTERVAL, else 10
 */
const dgram = require('dgram');
const net = require('net');
const util = require('util');

const MAGIC = 'PMHB1';
const DEFAULT_INTERVAL = 10;
const MIN_INTERVAL = 0.1; // a bad interval must not become a busy loop

// Send errors are counted per client but reported at most once per process, and only with
// NODE_DEBUG=pm-heartbeat.
const debug = util.debuglog('pm-heartbeat');
let errorLogged = false;
function logFirstError(err) {
  if (errorLogged) return;
  errorLogged = true;
  debug('send failed (%s); further failures are only counted', err && err.message);
}

function envValue(name) {
  const v = process.env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function parseId(id) {
  if (id === undefined || id === null) id = envValue('PM_PROCESS_ID');
  if (id === undefined || typeof id === 'boolean') return undefined;
  const s = String(id).trim();
  if (!/^\d+$/.test(s)) return undefined;
  return String(parseInt(s, 10));
}

function parseAddress(address) {
  if (address === undefined || address === null) address = envValue('PM_HEARTBEAT_ADDR');
  if (address === undefined) return undefined;
  const s = String(address).trim();
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = s.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = s.slice(colon + 1);
  if (!/^\d+$/.test(portText)) return undefined;
  const port = parseInt(portText, 10);
  if (!host || port <= 0 || port > 65535) return undefined;
  return { host, port };
}

function parseInterval(interval) {
  if (interval === undefined || interval === null) interval = envValue('PM_HEARTBEAT_INTERVAL');
  const v = Number(interval);
  if (interval === undefined || !Number.isFinite(v) || v <= 0) return DEFAULT_INTERVAL;
  return Math.max(MIN_INTERVAL, v);
}

class HeartbeatClient {
  constructor(options = {}) {
    const secret = options.secret !== undefined && options.secret !== null
      ? String(options.secret).trim() : envValue('PM_HEARTBEAT_SECRET');
    this.processId = parseId(options.processId);
    this.address = parseAddress(options.address);
    this.secret = secret || undefined;
    this.interval = parseInterval(options.interval);
    this.sent = 0;
    this.errors = 0;
    this.lastError = undefined;
    this.enabled = this.processId !== undefined && this.address !== undefined && this.secret !== undefined;
    this._payload = this.enabled ? Buffer.from(`${MAGIC} ${this.processId} ${this.secret}`, 'ascii') : null;
    this._socket = null;
    this._timer = null;
  }

  get running() {
    return this._timer !== null;
  }

  _countError(err) {
    this.errors += 1;
    this.lastError = err;
    logFirstError(err);
  }

  _getSocket() {
    if (this._socket === null) {
      const socket = dgram.createSocket(net.isIPv6(this.address.host) ? 'udp6' : 'udp4');
      // Without a listener an 'error' event would crash the app.
      socket.on('error', (err) => this._countError(err));
      socket.unref();
      socket.pmPending = 0; // sends handed to the socket whose callback has not run yet
      this._socket = socket;
    }
    return this._socket;
  }

  /** Sends one heartbeat. true if it was handed to the socket; never throws. */
  beat() {
    if (!this.enabled) return false;
    try {
      const socket = this._getSocket();
      socket.send(this._payload, this.address.port, this.address.host, (err) => {
        socket.pmPending -= 1;
        if (err) this._countError(err);
        else this.sent += 1;
        // stop() came while this send was on its way: close now that it has gone out.
        if (socket !== this._socket && socket.pmPending === 0) closeQuietly(socket);
      });
      socket.pmPending += 1;
      return true;
    } catch (err) {
      this._countError(err);
      return false;
    }
  }

  /** Beats now and then every `interval` seconds. Idempotent. */
  start() {
    if (!this.enabled) {
      debug('PM_PROCESS_ID/PM_HEARTBEAT_ADDR/PM_HEARTBEAT_SECRET not set, not sending');
      return this;
    }
    if (this._timer !== null) return this;
    this._timer = setInterval(() => this.beat(), this.interval * 1000);
    this._timer.unref();
    this.beat();
    return this;
  }

  /** Stops beating and closes the socket (once a beat still on its way has gone out). Idempotent;
   * start() may be called again. */
  stop() {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    if (this._socket !== null) {
      const socket = this._socket;
      this._socket = null;
      // close() now would drop a beat still on its way; its callback closes the socket instead.
      if (socket.pmPending === 0) closeQuietly(socket);
    }
    return this;
  }
}

function closeQuietly(socket) {
  try {
    socket.close();
  } catch (err) {
    // already closed
  }
}

/** Creates a client (options optional, defaults from PM_* variables) and starts it. */
function start(options) {
  return new HeartbeatClient(options).start();
}

/** Sends one heartbeat; true if handed to the socket. Does nothing (false) outside pm. */
function beat(options) {
  const client = new HeartbeatClient(options);
  const ok = client.beat();
  client.stop(); // the socket closes once the datagram has gone out
  return ok;
}

module.exports = { start, beat, HeartbeatClient, MAGIC, DEFAULT_INTERVAL };
