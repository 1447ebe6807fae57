#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The Goldberg demo kernel (tests/hvm/goldberg/) as three hvm domains under
# SVM (tests/hvm/goldberg/hvm.dts: from ring 0, from ring 3, from ring 3
# with CR4.UMIP on), beside a dom0 that waits for them: each probe's
# verdict is the one tests/hvm/goldberg/expected.txt holds for that
# environment (svm, svm-ring3, svm-ring3-umip), each domain powers off and
# gives back every frame, and nothing crashes (tests/hvm/goldberg/hv.sh).
exec bash tests/hvm/goldberg/hv.sh hvm.dtb svm svm-ring3 svm-ring3-umip
