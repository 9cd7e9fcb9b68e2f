#!/bin/bash
# The image's HEALTHCHECK: exit 0 when GET /readyz on the health port answers 200, 1 otherwise (503, refused,
# no answer). bash's /dev/tcp stands in for curl, which the image does not have. SERVER_PORT as for the relay.
port="${SERVER_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS=' ' read -r -t 2 _ status _ <&3 || exit 1
[ "$status" = 200 ]
