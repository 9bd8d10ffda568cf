# JSON Lines and a JSON array read back; keys as AWS spells them, null for '-'.
flowcat -O json samples/aws-docs/v2-nodata-skipdata.log > $WORK/a.jsonl
flowcat --no-header $WORK/a.jsonl
printf '[{"version":2,"srcaddr":"10.0.0.1","bytes":"4249","action":"ACCEPT"},\n {"version":3,"srcaddr":null,"bytes":7,"action":"REJECT"}]\n' | flowcat
printf '{"version":2,"srcport":"http"}\n' | flowcat
