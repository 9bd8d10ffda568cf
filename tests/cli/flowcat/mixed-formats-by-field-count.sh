# One Firehose stream holding a VPC log group (AWS's default format) and a Transit Gateway group
# with a custom 27-field format: each --aws-format given, a line is read with the one of its
# field count.
vpc='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
tgw='version account-id tgw-id tgw-attachment-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status type tcp-flags flow-direction region'
flowcat --aws-format "$vpc" --aws-format "$tgw" -O json samples/derived/cwl-firehose-concatenated-gzip-members.bin
echo '# two formats of one length cannot be told apart'
flowcat --aws-format "$vpc" --aws-format "$vpc" samples/derived/cwl-firehose-concatenated-gzip-members.bin
