# What the image scripts share (sourced, not run): where the local container store lives and how
# buildah and podman are told to use it. The store is vfs (no overlay mounts needed, works as
# root in a VM or a container) in its own folder outside the repository, so it survives between
# CI runs (the base image is cached there) and never meets a store another driver initialised.
# test/image/podman.ts finds the same folder by the same rule.

JIT_IMAGE_HOME="${JIT_IMAGE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/jit-watcher/containers}"
# The local stand-in for the Dockerfile's NODE_IMAGE (make-base.sh), and the image build.sh makes.
JIT_BASE_IMAGE="${JIT_BASE_IMAGE:-localhost/jit-watcher-node:24}"
JIT_IMAGE="${JIT_IMAGE:-localhost/jit-watcher:dev}"
export JIT_IMAGE_HOME JIT_BASE_IMAGE JIT_IMAGE

# Written on every use, so a changed setting here takes effect; both tools read these variables.
mkdir -p "$JIT_IMAGE_HOME"
cat >"$JIT_IMAGE_HOME/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$JIT_IMAGE_HOME/storage"
runroot = "/run/jit-watcher-containers"
CONF
# For podman on these machines (a VM with no systemd): runc, as crun refuses the hybrid
# cgroup v1/v2 mounts; cgroups by file system and events to a file, as there is no systemd or
# journald; and the caller's own open-file limit, as podman's default raises it to 1048576 and
# that is refused here (EPERM). nproc is podman's own default, written out as the list replaces it.
nofile="$(ulimit -Hn)"
[ "$nofile" != unlimited ] || nofile=1048576
cat >"$JIT_IMAGE_HOME/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_STORAGE_CONF="$JIT_IMAGE_HOME/storage.conf"
export CONTAINERS_CONF="$JIT_IMAGE_HOME/containers.conf"

image_log() { echo "${0##*/}: $*" >&2; }

# Refuses early, with the fix, what would otherwise fail deep inside buildah or mmdebstrap.
image_require() {
  if [ "$(id -u)" != 0 ]; then
    image_log "runs as root (buildah with chroot isolation, mmdebstrap); try: sudo bash $0"
    exit 1
  fi
  local cmd
  for cmd in "$@"; do
    if ! command -v "$cmd" >/dev/null; then
      image_log "needs $cmd; install it with: apt-get install -y buildah podman runc mmdebstrap"
      exit 1
    fi
  done
}

# The size of a local image, in MB (10^6 bytes, as docker and podman print it).
image_size_mb() {
  local bytes
  bytes="$(podman image inspect --format '{{.Size}}' "$1")"
  echo "$(((bytes + 500000) / 1000000)) MB"
}
