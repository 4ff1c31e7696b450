#!/usr/bin/env bash
# The Slurm path of `cimvp sweep` tested for real (docs/sweeps.md, "On a Slurm cluster"):
# installs Debian's Slurm and MUNGE through the project's set-up when missing, starts a
# single-node cluster of its own (munged, slurmctld, slurmd on private ports, state in
# WORK), submits a 3-point sweep as a job array of 2 tasks plus the gather job, waits,
# checks that the merged summary equals a local run's byte for byte, and stops every daemon
# it started.  Exits 77 (ctest: skipped) with the reason when Slurm cannot start here.
#
# usage: single_node.sh CIMVP WORK
set -euo pipefail
CIMVP="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
WORK="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
skip() { echo "SKIPPED: $*" >&2; exit 77; }

if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
  skip "starting slurmd and munged needs root (or password-less sudo)"
fi
# shellcheck source=../../scripts/lib/setup.sh
source "$HERE/../../scripts/lib/setup.sh"
cimvp_install_debs slurm-wlm munge || skip "could not install slurm-wlm and munge from Debian's archive"
for p in munged slurmctld slurmd sbatch sinfo scontrol; do
  command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || skip "$p not found after installing slurm-wlm"
done
export PATH="$PATH:/usr/sbin"

rm -rf "$WORK"
mkdir -p "$WORK"/{state,spool,log,key}
WORK="$(cd "$WORK" && pwd)"
# munged refuses a socket whose directory chain is not searchable by all, and the build tree
# may sit under a private directory (a clone in `mktemp -d`, mode 0700): the socket, pid, log
# and seed go to a directory of their own under /tmp, removed when the test ends
MUNGE="$(mktemp -d /tmp/cimvp-munge.XXXXXX)"
chmod 755 "$MUNGE"
chmod 700 "$WORK/key"
NODE="$(hostname -s 2>/dev/null || hostname)"
CPUS="$(nproc)"
# private ports derived from the process id, so a stale cluster of an earlier run cannot answer
PORT=$((20000 + ($$ % 20000)))

dd if=/dev/urandom of="$WORK/key/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/key/munge.key"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=cimvptest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$MUNGE/munge.socket
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=cimvp Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$WORK/slurm.conf"

stop() {
  set +e
  scontrol shutdown >/dev/null 2>&1
  for f in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$MUNGE/munged.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  sleep 1
  for f in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$MUNGE/munged.pid"; do
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  rm -rf "$MUNGE"
  return 0
}
trap stop EXIT

cimvp_sudo munged --socket="$MUNGE/munge.socket" --pid-file="$MUNGE/munged.pid" \
  --log-file="$MUNGE/munged.log" --seed-file="$MUNGE/seed" --key-file="$WORK/key/munge.key" \
  || skip "munged does not start: $(tail -n 3 "$MUNGE/munged.log" 2>/dev/null)"
cimvp_sudo env SLURM_CONF="$SLURM_CONF" slurmctld || skip "slurmctld does not start: $(tail -n 3 "$WORK/log/slurmctld.log" 2>/dev/null)"
cimvp_sudo env SLURM_CONF="$SLURM_CONF" slurmd || skip "slurmd does not start: $(tail -n 3 "$WORK/log/slurmd.log" 2>/dev/null)"
state=""
for _ in $(seq 1 60); do
  state="$(sinfo -h -o %T 2>/dev/null || true)"
  [ "$state" = "idle" ] && break
  sleep 1
done
[ "$state" = "idle" ] || skip "the single-node cluster did not come up (node state '$state'): $(tail -n 3 "$WORK/log/slurmd.log" 2>/dev/null)"
echo "single-node Slurm up: node $NODE, $CPUS CPUs, ports $PORT-$((PORT + 1))"

# the same sweep, locally and as a job array of 2 tasks (2 + 1 points) and the gather job
cd "$WORK"
"$CIMVP" sweep "$HERE/tiny.yaml" -j 2 --out local
timeout 600 "$CIMVP" sweep "$HERE/tiny.yaml" --out cluster --slurm --array-chunk 2 --wait
test -f cluster/rows/0-2.jsonl && test -f cluster/rows/2-4.jsonl || { echo "FAIL: a task's rows are missing"; ls -R cluster; exit 1; }
grep -q "gathered 2 chunks: 3/3 points passed" cluster/slurm/gather.log || { echo "FAIL: gather log:"; cat cluster/slurm/gather.log; exit 1; }
cmp local/summary.csv cluster/summary.csv || { echo "FAIL: summary.csv differs from the local run's"; diff local/summary.csv cluster/summary.csv | head; exit 1; }
cmp local/summary.jsonl cluster/summary.jsonl || { echo "FAIL: summary.jsonl differs from the local run's"; exit 1; }
echo "PASS: the Slurm job array's merged summary equals the local run's (3 points)"
