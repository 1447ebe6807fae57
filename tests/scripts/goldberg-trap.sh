#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The Goldberg demo kernel (tests/hvm/goldberg/) as a trap domain, run in
# ring 3 by trap-and-emulate (tests/hvm/goldberg/trap.dts), beside a dom0
# that waits for it: each probe's verdict is the one
# tests/hvm/goldberg/expected.txt holds for the "trap" column (the five
# UMIP instructions trap and are emulated; PUSHF, POPF, LAR, LSL, VERR,
# VERW, MOV from CS and SS, PUSH FS stay broken; far transfers and INT n
# trap and are emulated), it powers off and gives back every frame, and
# nothing crashes (tests/hvm/goldberg/hv.sh).
exec bash tests/hvm/goldberg/hv.sh trap.dtb trap
