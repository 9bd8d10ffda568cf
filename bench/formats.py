#!/usr/bin/env python3
"""Converts AWS v2 text (flowgen output, header first) on stdin into another cloud's format,
for bench/formats.sh: the same flows in each reader's input.

  formats.py cwl|lambda|firehose|gcp|nsg|vnet < aws.log > out
"""
import base64, gzip, json, sys
from datetime import datetime, timezone

PER_ENVELOPE = 100  # log events per CloudWatch Logs envelope; tuples per Azure record
PER_BLOB = 1000     # Azure records per {"records": [...]} blob


def rfc3339(t):
    return datetime.fromtimestamp(int(t), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.123456789Z")


def envelope(lines):
    return json.dumps({"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/aws/vpc/flowlogs",
                       "logStream": "eni-1", "subscriptionFilters": ["f"],
                       "logEvents": [{"id": str(i), "timestamp": 0, "message": m} for i, m in enumerate(lines)]},
                      separators=(",", ":"))


def gcp(f):
    v, acct, eni, src, dst, sp, dp, proto, pk, by, start, end, action, status = f
    if status != "OK":
        return None
    return json.dumps({
        "insertId": "x", "logName": "projects/p/logs/compute.googleapis.com%2Fvpc_flows",
        "resource": {"type": "gce_subnetwork", "labels": {"project_id": "p", "subnetwork_name": "s", "location": "us-central1"}},
        "timestamp": rfc3339(end), "receiveTimestamp": rfc3339(end),
        "jsonPayload": {"connection": {"src_ip": src, "dest_ip": dst, "src_port": int(sp), "dest_port": int(dp),
                                       "protocol": int(proto)},
                        "reporter": "SRC", "bytes_sent": by, "packets_sent": pk,
                        "start_time": rfc3339(start), "end_time": rfc3339(end),
                        "src_instance": {"project_id": "p", "region": "us-central1", "zone": "us-central1-a", "vm_name": eni},
                        "src_vpc": {"project_id": "p", "vpc_name": "default", "subnetwork_name": "s"}}},
        separators=(",", ":"))


def tuple_of(f, vnet):
    v, acct, eni, src, dst, sp, dp, proto, pk, by, start, end, action, status = f
    if status != "OK":
        return None
    if vnet:
        state = "D" if action == "REJECT" else "C"
        return f"{start}000,{src},{dst},{sp},{dp},{proto},O,{state},NX,{pk},{by},{pk},{by}"
    if proto not in ("6", "17"):
        return None
    return f"{start},{src},{dst},{sp},{dp},{'T' if proto == '6' else 'U'},O,{'A' if action == 'ACCEPT' else 'D'},C,{pk},{by},{pk},{by}"


def azure_record(tuples, vnet):
    if vnet:
        return {"time": "2024-06-03T00:00:00.0000000Z", "flowLogVersion": 4, "flowLogGUID": "g", "macAddress": "00224871C205",
                "category": "FlowLogFlowEvent", "flowLogResourceID": "/FL", "targetResourceID": "/vnet",
                "operationName": "FlowLogFlowEvent",
                "flowRecords": {"flows": [{"aclID": "acl", "flowGroups": [{"rule": "R", "flowTuples": tuples}]}]}}
    return {"time": "2024-06-03T00:00:00.0000000Z", "systemId": "s", "category": "NetworkSecurityGroupFlowEvent",
            "resourceId": "/NSG", "operationName": "NetworkSecurityGroupFlowEvents",
            "properties": {"Version": 2, "flows": [{"rule": "R", "flows": [{"mac": "000D3AF87856", "flowTuples": tuples}]}]}}


def main():
    kind = sys.argv[1]
    out = sys.stdout
    batch, records = [], []
    lines = (l.rstrip("\n") for l in sys.stdin if not l.startswith("version"))
    for line in lines:
        if kind in ("cwl", "lambda"):
            batch.append(line)
            if len(batch) == PER_ENVELOPE:
                emit(kind, batch, out)
                batch = []
        elif kind == "firehose":
            out.write(json.dumps({"message": line}) + "\n")
        elif kind == "gcp":
            e = gcp(line.split(" "))
            if e:
                out.write(e + "\n")
        else:
            t = tuple_of(line.split(" "), kind == "vnet")
            if t:
                batch.append(t)
                if len(batch) == PER_ENVELOPE:
                    records.append(azure_record(batch, kind == "vnet"))
                    batch = []
                    if len(records) == PER_BLOB:
                        out.write(json.dumps({"records": records}) + "\n")
                        records = []
    if batch and kind in ("cwl", "lambda"):
        emit(kind, batch, out)
    elif batch:
        records.append(azure_record(batch, kind == "vnet"))
    if records:
        out.write(json.dumps({"records": records}) + "\n")


def emit(kind, batch, out):
    text = envelope(batch)
    if kind == "cwl":
        out.write(text + "\n")
    else:
        data = base64.b64encode(gzip.compress(text.encode(), 6, mtime=0)).decode()
        out.write(json.dumps({"awslogs": {"data": data}}) + "\n")


if __name__ == "__main__":
    main()
