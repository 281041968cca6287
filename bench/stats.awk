# Quantiles of the pty samples. Input, sorted by `sort -k1,3 -k4,4n`:
#   SHELL CONFIG CASE MICROSECONDS
# Output, one line per (SHELL, CONFIG, CASE):
#   SHELL CONFIG CASE N P25 MEDIAN P75   (microseconds)

function flush(   med, p25, p75) {
	if (n == 0)
		return
	if (n % 2)
		med = v[(n + 1) / 2]
	else
		med = (v[n / 2] + v[n / 2 + 1]) / 2
	# Nearest rank.
	p25 = v[int((n - 1) * 0.25) + 1]
	p75 = v[int((n - 1) * 0.75 + 0.5) + 1]
	print key, n, p25, med, p75
	n = 0
}

{
	k = $1 " " $2 " " $3
	if (k != key) {
		flush()
		key = k
	}
	v[++n] = $4
}

END { flush() }
