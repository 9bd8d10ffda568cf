# Header-less default-format text: flowcat writes the S3 header first.
flowcat samples/aws-docs/v2-default-accept-reject.log
