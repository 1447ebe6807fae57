#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A stand-in for qemu-system-x86_64 in the runner's self-tests.

The -kernel file is JSON saying what to do: {"log": text to print,
"exit": status to exit with, "hang": true to never exit}. A hanging fake
starts a child that must die with it, and writes both pids to IMAGE.pids.
The arguments are recorded, as JSON, in IMAGE.argv.
"""
import json
import os
import subprocess
import sys
import time

args = sys.argv[1:]
image = args[args.index("-kernel") + 1]
with open(image) as f:
    spec = json.load(f)
with open(image + ".argv", "w") as f:
    json.dump(args, f)
sys.stdout.write(spec.get("log", ""))
sys.stdout.flush()
if spec.get("hang"):
    child = subprocess.Popen(["sleep", "300"])
    with open(image + ".pids", "w") as f:
        f.write(f"{os.getpid()} {child.pid}\n")
    while True:
        time.sleep(60)
sys.exit(spec.get("exit", 0))
