#!/usr/bin/env bash
# The multi-machine rehearsal in one command (docs/cluster.md): builds, runs ClusterRehearsalTests (two namespace
# machines over a veth link: training against one process, resume with the checkpoint on the first machine only,
# differing data refused, a machine killed, a link cut), then times an all-reduce over shared memory and over the
# link. Needs root; installs MPICH when missing. Removes every machine it made, also when interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_fashion_mnist
ensure_mpich

dotnet build MaskedSiamese.slnx -c Release -nologo -clp:ErrorsOnly
dotnet test tests/MaskedSiamese.Tests -c Release --no-build --filter "FullyQualifiedName~ClusterRehearsal" \
  --logger "console;verbosity=normal"

export MSN_CLUSTER="/tmp/msn-rehearsal-$$"
trap 'scripts/cluster.sh down' EXIT
scripts/cluster.sh up >/dev/null
msn="$PWD/src/MaskedSiamese.Cli/bin/Release/net10.0/msn.dll"
echo "== all-reduce between two processes on one machine (shared memory)"
mpiexec -n 2 dotnet "$msn" bench allreduce
echo "== all-reduce between node-a and node-b (TCP over the veth link)"
UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 scripts/cluster.sh run node-a mpiexec -f "$MSN_CLUSTER/hostfile" \
  -launcher ssh -launcher-exec "$MSN_CLUSTER/ssh" -n 2 dotnet "$msn" bench allreduce
