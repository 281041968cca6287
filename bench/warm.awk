# The "monorepos and warm shells" table of `make bench`, from the results
# bench/lock.sh, bench/busy.sh and bench/scale.sh appended, sorted with
# `sort -k1,1 -k2,2 -k3,3n`:
#   s NAME MICROSECONDS   one sample (medians are over these)
#   v NAME NUMBER         a value (repeated names add up)
#   t NAME TEXT...        a text (the last one of a name is kept)
#   fail SECTION          a section that could not finish
#   nproc N
# Targets: hearth's own overhead on a lock bump < 50 ms; a switch back
# < 20 ms with no Nix process; prompts while evaluating no different from
# idle, taken as within 10% or 0.1 ms of the idle median, whichever is
# larger. Scale figures have no target.

function med(k,   n) {
	n = cnt[k]
	if (n == 0)
		return ""
	return n % 2 ? smp[k, (n + 1) / 2] : (smp[k, n / 2] + smp[k, n / 2 + 1]) / 2
}

function lo(k) { return smp[k, 1] }
function hi(k) { return smp[k, cnt[k]] }
function sum(k,   i, t) { for (i = 1; i <= cnt[k]; i++) t += smp[k, i]; return t }
function ms(us) { return us == "" ? "-" : sprintf("%.1f ms", us / 1000) }
function ms3(us) { return us == "" ? "-" : sprintf("%.3f", us / 1000) }
function mib(kib) { return kib == "" ? "-" : sprintf("%.1f MiB", kib / 1024) }
function range(k) { return cnt[k] ? sprintf("n=%d, %.1f-%.1f", cnt[k], lo(k) / 1000, hi(k) / 1000) : "" }

function row(num, label, value, extra, target, verdict) {
	printf "%-2s %-52s %10s  %-20s %-9s %s\n", num, label, value, extra,
	    target, verdict
}

# verdict_lt VALUE LIMIT: PASS below the limit.
function verdict_lt(v, limit) {
	if (v == "")
		return "-"
	return v < limit ? "PASS" : "NOT MET"
}

$1 == "s" { smp[$2, ++cnt[$2]] = $3; next }
$1 == "v" { val[$2] += $3; next }
$1 == "t" { t = $0; sub(/^t [^ ]* /, "", t); txt[$2] = t; next }
$1 == "fail" { failed[$2] = 1; next }
$1 == "nproc" { nproc = $2; next }

END {
	row("#", "figure", "median", "spread (ms), note", "target",
	    "verdict")

	# 1. A lock bump.
	if ("lock" in failed)
		row("1", "flake.lock bump: the section failed (see above)")
	else if (cnt["bump_wait"] || cnt["bump_passive"]) {
		hand = val["hand_med"]
		bw = med("bump_wait")
		bp = med("bump_passive")
		row("1", "flake.lock write -> new snapshot, hearth wait", ms(bw),
		    range("bump_wait"))
		row("", "the same nix print-dev-env by hand (hyperfine)",
		    ms(hand), sprintf("n=%d, min %.1f", val["hand_runs"],
		    val["hand_min"] / 1000))
		ow = bw == "" ? "" : bw - hand
		row("", "hearth's own overhead (difference)", ms(ow), "",
		    "< 50 ms", verdict_lt(ow, 50000))
		row("", "flake.lock write -> new snapshot, nobody asking", ms(bp),
		    range("bump_passive"))
		op = bp == "" ? "" : bp - hand
		row("", "hearth's own overhead (difference)", ms(op), "",
		    "< 50 ms", verdict_lt(op, 50000))
		row("", "context: quiet wait, a lone write 15 ms, bursts <=150",
		    "", "so a checkout = 1 evaluation")
		row("", "context: the daemon's job, nix + bash (its log)",
		    ms(med("daemon_eval")), range("daemon_eval"))
		row("", "context: nix print-dev-env, lock uncommitted",
		    ms(val["plain_dirty_med"]), "plain, eval cache on")
		row("", "context: nix print-dev-env, lock committed",
		    ms(val["plain_clean_med"]), "plain, eval cache on")
		row("", "context: the counting nix wrapper's own cost",
		    ms(val["wrapper_med"] - val["wrapper_2_med"]),
		    "around /bin/true")
		row("", "context: Nix processes per bump, nobody asking",
		    med("bump_nix"), txt["bump_nix_what"])
	}

	# 2. Switching back.
	if (!("lock" in failed) && (cnt["back_wait"] || cnt["back_passive"])) {
		bw = med("back_wait")
		bp = med("back_passive")
		row("2", "flake.lock back -> earlier snapshot, hearth wait",
		    ms(bw), range("back_wait"), "< 20 ms", verdict_lt(bw, 20000))
		row("", "flake.lock back -> earlier snapshot, nobody asking",
		    ms(bp), range("back_passive"), "< 20 ms",
		    verdict_lt(bp, 20000))
		row("", "nix print-dev-env runs while switching back",
		    sum("back_pde"), sprintf("in %d switches",
		    cnt["back_pde"]), "0",
		    sum("back_pde") == 0 ? "PASS" : "NOT MET")
		row("", "Nix processes of any kind while switching back",
		    sum("back_nix"), sprintf("in %d switches",
		    cnt["back_nix"]), "0",
		    sum("back_nix") == 0 ? "PASS" : "NOT MET")
		if ("back_nix_what" in txt)
			row("", "context: what ran (the last switch with any)",
			    "", txt["back_nix_what"])
	}

	# 3. Prompts while evaluating.
	if ("busy" in failed)
		row("3", "prompts while evaluating: the section failed (see above)")
	else if (cnt["pty_idle_enter"] && cnt["pty_busy_enter"]) {
		n3 = split("enter in out", c3, " ")
		lab["enter"] = "prompt, nothing changed"
		lab["in"] = "cd that activates"
		lab["out"] = "cd that deactivates"
		num = "3"
		for (i = 1; i <= n3; i++) {
			ki = "pty_idle_" c3[i]
			kb = "pty_busy_" c3[i]
			mi = med(ki)
			mb = med(kb)
			d = mb - mi
			tol = mi / 10 > 100 ? mi / 10 : 100
			row(num, lab[c3[i]] ": idle -> evaluating (ms)",
			    sprintf("%+.3f ms", d / 1000),
			    sprintf("%s -> %s", ms3(mi), ms3(mb)),
			    "no diff.",
			    (d <= tol && d >= -tol) ? "PASS" : "NOT MET")
			num = ""
		}
		ei = val["export_idle_med"]
		eb = val["export_busy_med"]
		bad = val["export_busy_invalid"] ? " INVALID" : ""
		if (ei && eb)
			row("", "context: hearth export entering, idle -> evaluating",
			    sprintf("%+.3f ms", (eb - ei) / 1000),
			    sprintf("%s -> %s%s", ms3(ei), ms3(eb), bad))
		row("", "context: samples idle / evaluating (enter)",
		    sprintf("%d/%d", cnt["pty_idle_enter"],
		    cnt["pty_busy_enter"]), sprintf("%d of %d rounds kept",
		    val["busy_counted"], val["busy_rounds"]))
		row("", "context: a session idle / evaluating", "",
		    sprintf("%s / %s", ms3(med("idle_session")),
		    ms3(med("busy_session"))))
	}

	# 4. Scale.
	if ("scale" in failed)
		row("4", "many workspaces: the section failed (see above)")
	else if (val["scale_ws"]) {
		per = val["scale_all_ready_us"] / 1000 / val["scale_shells"]
		row("4", sprintf("all %d shells of %d workspaces ready",
		    val["scale_shells"], val["scale_ws"]),
		    sprintf("%.1f s", val["scale_all_ready_us"] / 1e6),
		    sprintf("%d snapshots, %.0f ms/shell",
		    val["scale_ready_snapshots"], per), "-",
		    val["scale_wait_failures"] ? val["scale_wait_failures"] \
		    " waits failed" : "")
		row("", "daemon VmRSS, no workspace yet",
		    mib(val["scale_rss0_kib"]))
		row("", "daemon VmRSS, idle, all shells ready",
		    mib(val["scale_rss_kib"]), "", "-")
		row("", "daemon VmHWM (peak RSS over the run)",
		    mib(val["scale_hwm_kib"]))
		per = val["scale_watches"] / val["scale_ws"]
		row("", "inotify watches of the daemon", val["scale_watches"],
		    sprintf("%.1f/workspace; limit %d", per,
		    val["scale_max_watches"]), "-")
	}

	if (val["lock_wrong"])
		printf "Note: %d lock steps ended on the wrong snapshot; " \
		    "left out of the medians.\n", val["lock_wrong"]
	if (val["lock_odd"])
		printf "Note: the daemon's log shows %d failed or dropped " \
		    "evaluations during the lock rounds.\n", val["lock_odd"]
	if (val["nix_killed"])
		printf "Note: while building environments beforehand, Nix " \
		    "killed %d builders that had finished (\"signal 9\"); " \
		    "retried.\n", val["nix_killed"]
}
