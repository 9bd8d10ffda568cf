# Hourly S3 objects, gzip with the header line first, named as AWS names them.
flowgen --duration 2h --rate 0.5 --vpcs 2 --accounts 2 --s3 $WORK/bucket
cd $WORK/bucket && find . -type f | sort
for f in $(find . -type f | sort); do zcat $f | head -2; done
