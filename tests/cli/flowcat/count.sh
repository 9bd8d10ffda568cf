flowcat --count samples/flowlogs-reader/v2-records.log samples/flowlogs-reader/v5-file-with-header.log
