#!/bin/sh
# The restart command of a managed test service: the simulator reads its .env file
# again (POST /_sim/keys/reload on the flavor's port $1). No key on this command line.
exec /usr/bin/python3 -c '
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_sim/keys/reload", method="POST"), timeout=10)
print("reloaded")
' "$1"
