# The prompt table of `make bench`, from bench/stats.awk's output:
#   SHELL CONFIG CASE N P25 MEDIAN P75   (microseconds)
# -v shells="bash zsh fish": the order of the rows (shells with no samples
# are left out). Overheads are hook median minus no-hook median; nothing
# else is subtracted. Targets: hearth's overhead at most 1/30 of direnv's
# on a prompt where nothing changed, 1/10 on a cd that switches.

function ms(us) { return sprintf("%.3f", us / 1000) }

{
	n[$1, $2, $3] = $4
	p25[$1, $2, $3] = $5
	med[$1, $2, $3] = $6
	p75[$1, $2, $3] = $7
	seen[$1] = 1
}

END {
	ncase = split("idle in out", cases, " ")
	label["idle"] = "prompt, nothing changed"
	label["in"] = "cd that activates"
	label["out"] = "cd that deactivates"
	want["idle"] = 30
	want["in"] = 10
	want["out"] = 10
	nsh = split(shells, sh, " ")

	printf "%-30s %-28s %s\n", "", "median per prompt (ms)",
	    "overhead (ms)"
	printf "%-5s %-24s %8s %8s %8s %9s %9s %8s  %s\n", "shell", "case",
	    "none", "hearth", "direnv", "hearth", "direnv", "ratio",
	    "target (ratio)"
	for (i = 1; i <= nsh; i++) {
		s = sh[i]
		if (!(s in seen))
			continue
		for (j = 1; j <= ncase; j++) {
			c = cases[j]
			if (!((s, "none", c) in med) || !((s, "hearth", c) in med))
				continue
			none = med[s, "none", c]
			h = med[s, "hearth", c]
			ho = h - none
			if ((s, "direnv", c) in med) {
				d = med[s, "direnv", c]
				dov = d - none
				dcol = ms(d)
				docol = ms(dov)
				if (dov <= 0)
					ratio = "n/a"
				else if (ho <= 0)
					ratio = "~0"
				else
					ratio = sprintf("1/%.0f", dov / ho)
				if (dov <= 0)
					verdict = "n/a"
				else if (ho * want[c] <= dov)
					verdict = "met"
				else
					verdict = "NOT met"
				verdict = sprintf("<= 1/%d: %s", want[c], verdict)
			} else {
				dcol = docol = ratio = "-"
				verdict = "n/a (no direnv)"
			}
			printf "%-5s %-24s %8s %8s %8s %9s %9s %8s  %s\n", s,
			    label[c], ms(none), ms(h), dcol, ms(ho), docol,
			    ratio, verdict
		}
	}

	printf "\nSpread (ms): samples, 25th percentile, median, " \
	    "75th percentile\n"
	printf "%-5s %-24s %-7s %7s %8s %8s %8s\n", "shell", "case", "hook",
	    "n", "p25", "median", "p75"
	ncfg = split("none hearth direnv", cfgs, " ")
	for (i = 1; i <= nsh; i++)
		for (j = 1; j <= ncase; j++)
			for (k = 1; k <= ncfg; k++) {
				key = sh[i] SUBSEP cfgs[k] SUBSEP cases[j]
				if (!(key in med))
					continue
				printf "%-5s %-24s %-7s %7d %8s %8s %8s\n",
				    sh[i], label[cases[j]], cfgs[k], n[key],
				    ms(p25[key]), ms(med[key]), ms(p75[key])
			}
}
