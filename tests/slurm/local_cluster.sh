# Sourced by tests/slurm_test.sh and scripts/bench-region: a one-node Slurm cluster on
# 127.0.0.1 in a folder of its own (munge, slurmctld, slurmd; two CPUs), for tests and
# benchmarks only. `start_cluster DIR` sets SLURM_CONF and CLUSTER_NODE, or returns 77 with
# a message where the daemons cannot start; `stop_cluster DIR` ends them.
start_cluster() {
  local dir=$1 node port state="" up="" i
  export PATH=$PATH:/usr/sbin
  mkdir -p "$dir/munge" "$dir/slurm/state" "$dir/slurm/spool"
  chmod 700 "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
  chmod 400 "$dir/munge/munge.key"
  munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/seed" \
    --force >"$dir/munge/start.log" 2>&1 ||
    { echo "SKIP: munged does not start here: $(head -c 300 "$dir/munge/start.log")"; return 77; }
  node=$(hostname -s)
  port=$((20000 + RANDOM % 20000))
  printf '%s\n' "ClusterName=jptest" "SlurmctldHost=$node(127.0.0.1)" "SlurmctldPort=$port" \
    "SlurmdPort=$((port + 1))" "AuthType=auth/munge" "AuthInfo=socket=$dir/munge/munge.sock" \
    "CredType=cred/munge" "SlurmUser=root" "SlurmdUser=root" \
    "StateSaveLocation=$dir/slurm/state" "SlurmdSpoolDir=$dir/slurm/spool" \
    "SlurmctldPidFile=$dir/slurmctld.pid" "SlurmdPidFile=$dir/slurmd.pid" \
    "SlurmctldLogFile=$dir/slurm/ctld.log" "SlurmdLogFile=$dir/slurm/d.log" \
    "ProctrackType=proctrack/linuxproc" "TaskPlugin=task/none" "SelectType=select/cons_tres" \
    "SelectTypeParameters=CR_Core_Memory" "MpiDefault=none" "ReturnToService=2" \
    "SchedulerType=sched/backfill" "JobCompType=jobcomp/none" \
    "AccountingStorageType=accounting_storage/none" "JobAcctGatherType=jobacct_gather/none" \
    "SwitchType=switch/none" "MinJobAge=600" \
    "NodeName=$node NodeAddr=127.0.0.1 CPUs=2 RealMemory=8000 State=UNKNOWN" \
    "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP" >"$dir/slurm.conf"
  export SLURM_CONF=$dir/slurm.conf
  slurmctld -i >"$dir/slurm/ctld.out" 2>&1
  slurmd -N "$node" >"$dir/slurm/d.out" 2>&1
  for i in $(seq 150); do
    state=$(sinfo -h -n "$node" -o %t 2>/dev/null)
    [[ $state == idle* ]] && { up=1; break; }
    sleep 0.2
  done
  if [[ -z $up ]]; then
    echo "SKIP: slurmctld and slurmd did not come up here (node: ${state:-none}); $(tail -3 "$dir/slurm/ctld.log" "$dir/slurm/d.log" 2>/dev/null | head -c 600)"
    return 77
  fi
  CLUSTER_NODE=$node
}

stop_cluster() {
  local p
  for p in slurmd slurmctld munged; do [[ -f $1/$p.pid ]] && kill "$(cat "$1/$p.pid")" 2>/dev/null; done
  return 0
}
