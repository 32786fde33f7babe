<?php
// A sample handler: greets each event, and fails on events that ask it to.
return function (array $event): void {
    if (!empty($event['fail'])) {
        throw new RuntimeException("asked to fail: {$event['name']}");
    }
    echo "hello, {$event['name']}\n";
};
