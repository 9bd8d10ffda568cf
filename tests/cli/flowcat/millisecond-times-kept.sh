flowcat --no-header samples/flowlogs-reader/v2-millisecond-timestamps.log
