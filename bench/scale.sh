# Item 4 of bench/warm.sh: one daemon keeping many small workspaces warm.
# Sourced by bench/warm.sh (bash) in a subshell, with BUILD, BENCH_DIR,
# top, W and the helpers of warm.sh defined; appends its figures to
# $W/results.
#
# The fixture: SCALE_WS git repositories (default 100), each a flake with
# devShells a, b and default, built from the mini stdenv of
# contrib/example/nix (no nixpkgs, offline). The three shells of a
# workspace differ (a tool and a variable naming the workspace and the
# shell), so every one of the SCALE_WS x 3 shells is its own derivation;
# each workspace has directories a/ and b/, which hearth maps to the shells
# of those names, so `hearth wait WS/a` waits for shell a.
#
# Before the daemon starts, every shell's environment is built once by
# hand (`nix print-dev-env`, as hearth runs it; see nix_retry in warm.sh
# for why nothing is built inside a timed step), so what the daemon does is
# evaluate, as after a restart or a checkout of something built before.
#
# Measured, on a fresh daemon with its own store and the real nix:
#   - VmRSS of the daemon with no workspace (after start)
#   - the time from the first `hearth allow` until `hearth wait` has
#     returned "ready" for every shell: allow all, then wait for each
#     shell in turn (a shell already ready answers at once)
#   - once all are ready and the daemon has had no child process for
#     SCALE_SETTLE seconds: VmRSS, VmHWM (peak) and the inotify watches
#     (`inotify wd:` lines in /proc/PID/fdinfo/*)
#
# Knobs: SCALE_WS (workspaces; 3 shells each, default 100), SCALE_SETTLE
# (seconds, default 2).

SCALE_WS=${SCALE_WS:-100}
SCALE_SETTLE=${SCALE_SETTLE:-2}

# scale_flake N: the flake.nix of workspace N.
scale_flake() {
	cat <<EOF
# bench/scale.sh: workspace $1 of $SCALE_WS, three devShells.
{
  description = "hearth bench: scale workspace $1";

  outputs = { self }:
    let
      mini = import ./lib/mini.nix;
      shell = pkgs: n: pkgs.mkShell {
        name = "scale-$1-\${n}";
        packages = [
          (pkgs.writeScriptBin "scale-tool" ''
            #!/bin/sh
            echo "workspace $1, shell \${n}"
          '')
        ];
        SCALE_WS = "$1";
        SCALE_SHELL = n;
      };
    in
    {
      devShells = mini.eachSystem (pkgs: {
        a = shell pkgs "a";
        b = shell pkgs "b";
        default = shell pkgs "default";
      });
    };
}
EOF
}

# scale_fixture DIR: lay the SCALE_WS workspaces under DIR.
scale_fixture() {
	local dir=$1 i ws sh
	for ((i = 1; i <= SCALE_WS; i++)); do
		ws=$dir/ws$i
		mkdir -p "$ws/a" "$ws/b"
		cp -R "$top/contrib/example/nix" "$ws/lib"
		scale_flake "$i" > "$ws/flake.nix"
		echo "shell a" > "$ws/a/README"
		echo "shell b" > "$ws/b/README"
		git -C "$ws" -c init.defaultBranch=main init -q
		git -C "$ws" add -A
		git -C "$ws" -c user.name=hearth -c user.email=hearth@example.invalid \
		    -c commit.gpgsign=false commit -qm "scale workspace $i"
		for sh in a b default; do
			(cd "$ws" && nix_retry "$dir/prebuild.err" nix \
			    --extra-experimental-features "nix-command flakes" \
			    print-dev-env --option eval-cache false \
			    --no-write-lock-file --profile "$dir/profile" \
			    "$ws#$sh") ||
			    die "scale: nix print-dev-env $ws#$sh failed:" \
			    "$(grep '^error' "$dir/prebuild.err" | head -n 3)"
		done
	done
}

# proc_kib PID FIELD: a VmXXX field of /proc/PID/status, in KiB.
proc_kib() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# inotify_watches PID: the inotify watches PID holds, over all its fds.
inotify_watches() {
	cat "/proc/$1/fdinfo/"* 2>/dev/null | grep -c '^inotify wd:' || true
}

scale_bench() {
	local S=$W/scale pid rss0 t0 t1 i sh n fails=0 rss hwm watches
	local evals hits
	mkdir -p "$S"
	sandbox_init "$S"
	unset HEARTH_NIX
	export HEARTH_TIMEOUT_MS=10000
	progress "scale: laying out $SCALE_WS workspaces"
	scale_fixture "$S/ws"
	hearth daemon start >/dev/null
	pid=$(daemon_pid)
	rss0=$(proc_kib "$pid" VmRSS)
	progress "scale: allowing $SCALE_WS workspaces, waiting for" \
	    "$((SCALE_WS * 3)) shells"
	t0=${EPOCHREALTIME//[.,]/}
	for ((i = 1; i <= SCALE_WS; i++)); do
		hearth allow "$S/ws/ws$i" >/dev/null
	done
	for ((i = 1; i <= SCALE_WS; i++)); do
		for sh in "" /a /b; do
			if ! hearth wait --timeout 600 "$S/ws/ws$i$sh" \
			    > "$S/wait.out" 2>&1; then
				fails=$((fails + 1))
				[ "$fails" -le 3 ] && sed 's/^/    | /' \
				    "$S/wait.out" >&2
			fi
		done
	done
	t1=${EPOCHREALTIME//[.,]/}
	n=$(grep -c 'snapshot .* ready' "$XDG_STATE_HOME/hearth/hearthd.log" ||
	    true)
	progress "scale: $n snapshots in $(( (t1 - t0) / 1000000 )) s;" \
	    "letting the daemon settle"
	daemon_quiet "$pid" "$SCALE_SETTLE"
	rss=$(proc_kib "$pid" VmRSS)
	hwm=$(proc_kib "$pid" VmHWM)
	watches=$(inotify_watches "$pid")
	evals=$(grep -c 'evaluating .*#' "$XDG_STATE_HOME/hearth/hearthd.log" ||
	    true)
	hits=$(grep -c 'cache hit' "$XDG_STATE_HOME/hearth/hearthd.log" || true)
	{
		echo "v scale_ws $SCALE_WS"
		echo "v scale_shells $((SCALE_WS * 3))"
		echo "v scale_ready_snapshots $n"
		echo "v scale_wait_failures $fails"
		echo "v scale_all_ready_us $((t1 - t0))"
		echo "v scale_rss0_kib $rss0"
		echo "v scale_rss_kib $rss"
		echo "v scale_hwm_kib $hwm"
		echo "v scale_watches $watches"
		echo "v scale_evals $evals"
		echo "v scale_hits $hits"
		echo "v scale_max_watches $(cat /proc/sys/fs/inotify/max_user_watches)"
		echo "v scale_settle $SCALE_SETTLE"
		echo "v scale_max_evals $SCALE_MAX_EVALS"
	} >> "$W/results"
	hearth daemon stop >/dev/null
}
