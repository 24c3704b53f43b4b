#!/usr/bin/env bash
# Sets Clockface up from a fresh clone: the system OpenCV, the npm packages (native addons built
# once and cached), Electron's binary when it can be downloaded, and the ONNX models.
# Safe to re-run: every step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}
started=$SECONDS

# --- Node -------------------------------------------------------------------------------------
command -v node >/dev/null || die "Node.js 20.19 or newer is required (https://nodejs.org)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  die "Node.js 20.19 or newer is required, found $(node --version)"

# --- System OpenCV (the native addon @u4/opencv4nodejs builds against it) ----------------------
opencv_present() { command -v pkg-config >/dev/null && pkg-config --exists opencv4; }

if ! opencv_present; then
  case "$(uname -s)" in
    Linux)
      if ! command -v apt-get >/dev/null; then
        die "OpenCV 4 development files are missing: install them with your package manager (headers, libraries and the opencv4 pkg-config file, e.g. opencv-devel), then re-run"
      fi
      if [ "$(id -u)" -eq 0 ]; then
        as_root=()
      elif command -v sudo >/dev/null; then
        as_root=(sudo)
      else
        die "OpenCV is missing and this user cannot install it: run 'apt-get install libopencv-dev opencv-data pkg-config' as root, then re-run"
      fi
      say "installing OpenCV (libopencv-dev opencv-data) with apt-get"
      "${as_root[@]}" apt-get update -qq
      DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
        libopencv-dev opencv-data pkg-config >/dev/null
      ;;
    Darwin)
      die "OpenCV is missing: run 'brew install opencv pkg-config', then re-run"
      ;;
    *)
      die "OpenCV 4 development files are missing: install OpenCV 4 with its pkg-config file, then re-run"
      ;;
  esac
  opencv_present || die "OpenCV was installed but pkg-config still cannot find opencv4"
fi
opencv_version=$(pkg-config --modversion opencv4)
opencv_prefix=$(pkg-config --variable=prefix opencv4)
export OPENCV4NODEJS_DISABLE_AUTOBUILD=1
# The folder that holds opencv2/ (Debian: /usr/include/opencv4; Homebrew: …/include/opencv4).
OPENCV_INCLUDE_DIR=$(pkg-config --cflags-only-I opencv4 | tr ' ' '\n' | sed -n 's/^-I//p' | head -n 1)
export OPENCV_INCLUDE_DIR
export OPENCV_LIB_DIR="$(pkg-config --variable=libdir opencv4)"
export OPENCV_BIN_DIR="$opencv_prefix/bin"
say "OpenCV $opencv_version ($OPENCV_LIB_DIR)"

# --- npm packages ------------------------------------------------------------------------------
export ONNXRUNTIME_NODE_INSTALL=skip    # its CPU binaries ship inside the package
export ELECTRON_SKIP_BINARY_DOWNLOAD=1  # fetched separately below, so offline installs still work
export JOBS="${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}"

abi=$(node -p 'process.versions.modules')
lock_hash=$(node -e 'const c = require("node:crypto"), fs = require("node:fs"); console.log(c.createHash("sha256").update(fs.readFileSync("package-lock.json")).digest("hex"))')
stamp_value="$lock_hash node-abi-$abi opencv-$opencv_version"
stamp_file=node_modules/.clockface-setup

if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp_value" ]; then
  say "npm packages are up to date"
else
  say "installing npm packages (npm ci, install scripts run below one by one)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

  # Native addons: build each once per (version, Node ABI, OpenCV) and keep the result in a cache
  # outside the clone, so a new clone on the same machine does not compile them again.
  cache_root="${CLOCKFACE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/clockface}/native"
  native_addon() { # package, built .node path inside the package, extra cache key
    local package=$1 artifact=$2 extra=$3
    local version
    version=$(node -p "require('./node_modules/$package/package.json').version")
    local cached="$cache_root/${package//\//+}@$version-node$abi-$(uname -s)-$(uname -m)$extra/$(basename "$artifact")"
    if [ -f "$cached" ]; then
      mkdir -p "node_modules/$package/$(dirname "$artifact")"
      cp "$cached" "node_modules/$package/$artifact"
      say "$package $version: reused the build cached in $(dirname "$cached")"
    else
      say "$package $version: compiling (a few minutes, once per machine)"
      local t0=$SECONDS
      npm rebuild "$package" --foreground-scripts --loglevel=error >"node_modules/.clockface-build-${package//\//+}.log" 2>&1 ||
        die "building $package failed; see node_modules/.clockface-build-${package//\//+}.log"
      [ -f "node_modules/$package/$artifact" ] || die "building $package produced no $artifact"
      mkdir -p "$(dirname "$cached")"
      cp "node_modules/$package/$artifact" "$cached.tmp" && mv "$cached.tmp" "$cached"
      say "$package $version: built in $((SECONDS - t0)) s"
    fi
  }
  native_addon better-sqlite3 build/Release/better_sqlite3.node ""
  native_addon @u4/opencv4nodejs build/Release/opencv4nodejs.node "-opencv$opencv_version"

  node -e 'require("better-sqlite3")(":memory:").close(); require("@u4/opencv4nodejs"); require("onnxruntime-node")' ||
    die "a native module does not load; delete node_modules and ${cache_root} and re-run"
  echo "$stamp_value" >"$stamp_file"
fi

# --- Electron's binary (only the desktop shell needs it; the engine, CLI and tests do not) ------
if node -e 'require("fs").accessSync(require("electron"))' 2>/dev/null; then
  say "Electron binary present"
else
  say "downloading Electron's binary"
  if (unset ELECTRON_SKIP_BINARY_DOWNLOAD && timeout 600 node node_modules/electron/install.js) >node_modules/.clockface-electron.log 2>&1; then
    say "Electron binary installed"
  else
    say "NOTE: Electron's binary could not be downloaded (no network?). Everything else is ready;"
    say "      the desktop shell (npm run dev) needs network once: run 'node node_modules/electron/install.js'."
  fi
fi

# --- Models --------------------------------------------------------------------------------------
npm run --silent models

say "done in $((SECONDS - started)) s"
