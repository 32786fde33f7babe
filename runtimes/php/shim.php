<?php
// Lambdo runtime for PHP: calls the closure returned by /app/index.php once per event in
// $EVENTS_PATH, runs every event even when one fails, prints one result line, and exits 1 if
// any event failed. The result line: LAMBDO_RESULT {"events":3,"succeeded":2,"failed":[{"index":1,"error":"…"}]}

const RESULT_PREFIX = 'LAMBDO_RESULT ';

function finish(int $count, array $failed): int {
    $ok = $count - count(array_filter($failed, fn ($f) => $f['index'] >= 0));
    fwrite(STDOUT, RESULT_PREFIX . json_encode(['events' => $count, 'succeeded' => $ok, 'failed' => $failed],
        JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
    return $failed ? 1 : 0;
}

function run(): int {
    $eventsPath = getenv('EVENTS_PATH') ?: '/tmp/events.json';
    $handlerPath = getenv('LAMBDO_HANDLER') ?: '/app/index.php';
    $raw = @file_get_contents($eventsPath);
    $events = $raw === false ? null : json_decode($raw, true);
    if (!is_array($events) || !array_is_list($events)) {
        return finish(0, [['index' => -1, 'error' => "cannot read $eventsPath as a JSON array"]]);
    }
    try {
        $handler = require $handlerPath;
    } catch (Throwable $e) {
        return finish(count($events), [['index' => -1, 'error' => $e->getMessage()]]);
    }
    if (!is_callable($handler)) {
        return finish(count($events), [['index' => -1, 'error' => "$handlerPath does not return a closure"]]);
    }
    $failed = [];
    foreach ($events as $index => $event) {
        try {
            $handler($event);
        } catch (Throwable $e) {
            fwrite(STDERR, "event $index failed: {$e->getMessage()}\n");
            $failed[] = ['index' => $index, 'error' => $e->getMessage()];
        }
    }
    return finish(count($events), $failed);
}

exit(run());
