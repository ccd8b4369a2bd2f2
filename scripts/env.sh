# Sourced by the scripts: runtime settings that matter on a shared 2-core machine (README: "TorchSharp on Debian 12").
# OpenMP threads that spin while waiting steal the other core from the data loader: make them sleep.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# MALLOC_MMAP_THRESHOLD_=131072 (suggested against heap growth) is deliberately not set: with per-step dispose
# scopes RSS stayed flat at 1.1 GB over 468 steps of fmnist_default without it, while with it every activation
# was a fresh mmap and page faults cost ~0.9 s of system time per step.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Fashion-MNIST (the default data set) comes from Debian's package; install it when missing.
ensure_fashion_mnist() {
  local dir=/usr/share/datasets/fashion-mnist
  if [ ! -f "$dir/train-images-idx3-ubyte.gz" ] && [ -z "${MSN_FASHION_MNIST:-}" ]; then
    echo "Installing Debian package dataset-fashion-mnist ..." >&2
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null
  fi
}

# Several processes (`mpiexec -n N msn pretrain`) need MPICH, the MPI that MPI.NET's bindings work with (Open MPI's
# ABI differs); the tests run one training under `mpiexec -n 2`. Install Debian's package when its launcher or its
# library is missing.
ensure_mpich() {
  if ! command -v mpiexec >/dev/null 2>&1 || ! ldconfig -p | grep -q 'libmpich\.so\.12 '; then
    echo "Installing Debian package mpich ..." >&2
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq mpich >/dev/null
  fi
}

# The label page (msn label) is tested in headless Chromium driven by Selenium: Debian's chromium and its driver.
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    echo "Installing Debian packages chromium and chromium-driver ..." >&2
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}
