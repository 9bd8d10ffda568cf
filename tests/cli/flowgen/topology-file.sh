# Sizes from a topology file; options on the command line win over it.
printf '# a small shop\nvpcs 1\nazs 3\nweb 2\napp 2\ndb 1\ncache 1\nspare 0\nregion eu-west-1\n' > $WORK/topo
flowgen --topology $WORK/topo --azs 1 --estate $WORK/estate.csv --flows 1 -o /dev/null
cut -d, -f6-8,10 $WORK/estate.csv
