#!/usr/bin/env bash
# The main job: MSN pretraining on Fashion-MNIST with the default recipe, then the low-shot table
# (1, 2, 5, 10 labels per class, 3 splits) beside the raw-pixel and random-encoder baselines, then the label-selection
# table (typicality against uniform and class-balanced random, 10-100 labels, 5 seeds, about 2 minutes).
# Extra arguments go to `msn pretrain` (e.g. -o runs/mine, --resume, --set optimization.epochs=2).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_fashion_mnist
ensure_mpich
dotnet build src/MaskedSiamese.Cli -c Release -nologo -clp:ErrorsOnly
exec dotnet src/MaskedSiamese.Cli/bin/Release/net10.0/msn.dll pretrain -o runs/fmnist_default "$@"
