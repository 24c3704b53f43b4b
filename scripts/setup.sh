#!/usr/bin/env bash
# Sets Clockface up from a fresh clone: the system OpenCV, Chromium for the browser tests, the npm
# packages (native addons built for Node once and cached), Electron's binary when it can be
# downloaded, and the ONNX models. Safe to re-run: every step skips what is already done.
# CLOCKFACE_SKIP_BROWSER=1 leaves Chromium out.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}
started=$SECONDS

apt_updated=
# apt_install <what> <package...>: installs Debian packages as root, directly or through sudo.
apt_install() {
  local what=$1
  shift
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null ||
      die "$what is missing and this user cannot install it: run 'apt-get install $*' as root, then re-run"
    as_root=(sudo)
  fi
  say "installing $what ($*) with apt-get"
  if [ -z "$apt_updated" ]; then
    "${as_root[@]}" apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

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
      apt_install OpenCV libopencv-dev opencv-data pkg-config
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

# --- Chromium (the browser end-to-end tests drive /usr/bin/chromium with playwright-core) -------
chromium_path=/usr/bin/chromium
if [ "${CLOCKFACE_SKIP_BROWSER:-}" = 1 ]; then
  say "Chromium skipped (CLOCKFACE_SKIP_BROWSER=1): the browser end-to-end tests will not run"
elif [ -x "$chromium_path" ]; then
  say "Chromium present ($chromium_path)"
elif [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null; then
  apt_install Chromium chromium fonts-liberation
  [ -x "$chromium_path" ] || die "Chromium was installed but $chromium_path is missing"
else
  say "NOTE: the browser end-to-end tests need Chromium at $chromium_path, which this script installs"
  say "      only on Debian/Ubuntu; install it yourself, or set CLOCKFACE_SKIP_BROWSER=1 to silence this."
fi

# --- npm packages ------------------------------------------------------------------------------
export ONNXRUNTIME_NODE_INSTALL=skip    # its CPU binaries ship inside the package
export ELECTRON_SKIP_BINARY_DOWNLOAD=1  # fetched separately below, so offline installs still work
export JOBS="${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}"

abi=$(node -p 'process.versions.modules')
lock_hash=$(node -e 'const c = require("node:crypto"), fs = require("node:fs"); console.log(c.createHash("sha256").update(fs.readFileSync("package-lock.json")).digest("hex"))')
stamp_value="$lock_hash node-abi-$abi opencv-$opencv_version"
stamp_file=node_modules/.clockface-setup

# Plain Node (the CLI, the tests) loads these builds; `npm run dev` and `npm run dist` replace them
# in place with Electron builds (scripts/electron-app-deps.mjs), and this puts them back.
native_addons_load() { # stdout only carries opencv4nodejs's chatter; failures go to stderr
  node -e 'require("better-sqlite3")(":memory:").close(); require("@u4/opencv4nodejs"); require("onnxruntime-node")' >/dev/null
}

stamp_current=
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp_value" ]; then stamp_current=1; fi

if [ -n "$stamp_current" ] && native_addons_load 2>/dev/null; then
  say "npm packages are up to date"
else
  if [ -n "$stamp_current" ]; then
    say "the native addons do not load in Node (built for Electron?): putting the Node builds back"
  else
    say "installing npm packages (npm ci, install scripts run below one by one)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  fi

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
      # @electron/rebuild's marker would otherwise make it skip this Node build next time.
      rm -f "node_modules/$package/$(dirname "$artifact")/.forge-meta"
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

  native_addons_load || die "a native module does not load; delete node_modules and ${cache_root} and re-run"
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
