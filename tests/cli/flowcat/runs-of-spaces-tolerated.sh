# AWS's own doc sample has a doubled space: read with a warning naming the line.
flowcat --no-header --aws-format "$(cat samples/aws-docs/v3-tcp-flag-sequence.fields)" samples/aws-docs/v3-tcp-flag-sequence.log | tail -1
