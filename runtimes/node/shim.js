// Lambdo runtime for Node.js: calls exports.handler of /app/index.js once per event in
// $EVENTS_PATH, runs every event even when one fails, prints one result line, and exits 1 if
// any event failed. The result line: LAMBDO_RESULT {"events":3,"succeeded":2,"failed":[{"index":1,"error":"…"}]}
'use strict';
const fs = require('fs');
const path = require('path');

const RESULT_PREFIX = 'LAMBDO_RESULT ';

async function main() {
  const eventsPath = process.env.EVENTS_PATH || '/tmp/events.json';
  const handlerPath = path.resolve(process.env.LAMBDO_HANDLER || '/app/index.js');
  let events;
  try {
    events = JSON.parse(fs.readFileSync(eventsPath, 'utf8'));
    if (!Array.isArray(events)) throw new Error('the events file is not a JSON array');
  } catch (err) {
    return finish([], [{ index: -1, error: `cannot read ${eventsPath}: ${err.message}` }]);
  }
  let handler;
  try {
    handler = require(handlerPath).handler;
    if (typeof handler !== 'function') throw new Error(`${handlerPath} exports no handler function`);
  } catch (err) {
    return finish(events, [{ index: -1, error: err.message }]);
  }
  const failed = [];
  for (let index = 0; index < events.length; index++) {
    try {
      await handler(events[index], { index, count: events.length });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      console.error(`event ${index} failed: ${error}`);
      failed.push({ index, error });
    }
  }
  return finish(events, failed);
}

function finish(events, failed) {
  const result = { events: events.length, succeeded: events.length - failed.filter(f => f.index >= 0).length, failed };
  console.log(RESULT_PREFIX + JSON.stringify(result));
  process.exitCode = failed.length === 0 ? 0 : 1;
}

main();
