# Twenty records of the default AWS v2 format, header first, from the default estate and seed.
flowgen --flows 20 --seed 1
