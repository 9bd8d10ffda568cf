# A NUL byte quoted in a message is shown (\x00), not the end of the message: it used to cut the
# message short ("'1.2.3.4 (field srcaddr)", no reason).
printf '{"srcaddr":"1.2.3.4\\u0000x","bytes":40}\n' | flowcat
