# exercises.awk - turn a solution file into its exercise file.
#
# A solution marks each exercise region like this:
#
#	/* BEGIN EXERCISE 1.1: Parse /proc/PID/stat (20 points)
#	 *
#	 * Text for the student: it stays in the exercise file.
#	 *
#	 * stub: return exercise_todo("1.1", line, ret_stat);
#	 */
#	...the reference solution...
#	/* END EXERCISE 1.1 */
#
# A challenge exercise is optional and graded apart from the chapter's
# points; its marker says so before the points:
#
#	/* BEGIN EXERCISE 1.6: List threads too (challenge, 10 points)
#
# and, for helper functions that belong to the same exercise,
#
#	/* BEGIN EXERCISE 1.1 (helpers) */ ... /* END EXERCISE 1.1 */
#
# Usage:
#	awk -f exercises.awk FILE...               every region becomes its stub
#	awk -v only=1.1 -f exercises.awk FILE...   only region 1.1 does
#	awk -v mode=list -f exercises.awk FILE...  print "id<TAB>points<TAB>title<TAB>kind"
#	                                           (kind: graded or challenge)
#
# The "stub:" lines are the code that replaces the solution; everything
# else in the opening comment is kept. Mistakes in the markers are fatal,
# with the file and line, so a broken marker never yields a silent exercise.

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}

function indent_of(line) {
	match(line, /^[ \t]*/)
	return substr(line, 1, RLENGTH)
}

# "/* BEGIN EXERCISE 1.1: Title (20 points)" -> id, title, points, kind
function parse_begin(line,    rest) {
	rest = line
	sub(/^[ \t]*\/\* BEGIN EXERCISE /, "", rest)
	if (!match(rest, /^[0-9]+\.[0-9]+/))
		fail("BEGIN EXERCISE needs an id like 1.1")
	id = substr(rest, 1, RLENGTH)
	rest = substr(rest, RLENGTH + 1)
	if (rest ~ /^ \(helpers\) \*\/[ \t]*$/) {
		helpers = 1
		return
	}
	helpers = 0
	if (!match(rest, /\((challenge, )?[0-9]+ points?\)[ \t]*$/) || rest !~ /^: /)
		fail("expected \"BEGIN EXERCISE " id ": Title ([challenge, ]N points)\"")
	title = substr(rest, 3, RSTART - 4)
	points = substr(rest, RSTART + 1)
	kind = "graded"
	if (sub(/^challenge, /, "", points))
		kind = "challenge"
	sub(/ .*/, "", points)
}

# A region must close in the file that opened it.
FNR == 1 && state != "" {
	fail("exercise " id " is not closed by END EXERCISE " id " before this file")
}

# Outside a region.
state == "" && /^[ \t]*\/\* BEGIN EXERCISE / {
	parse_begin($0)
	ind = indent_of($0)
	if (!helpers && (id in seen))
		fail("exercise " id " is defined twice")
	if (!helpers)
		seen[id] = 1
	if (mode == "list") {
		if (!helpers)
			printf "%s\t%s\t%s\t%s\n", id, points, title, kind
		state = "skip"
		next
	}
	stubbing = (only == "" || only == id)
	if (!stubbing) {
		print
		state = "keep"
		next
	}
	if (helpers) {
		print ind "/* EXERCISE " id ": your own helper functions can go here. */"
		state = "skip"
		next
	}
	print ind "/* EXERCISE " id ": " title " (" (kind == "challenge" ? "challenge, " : "") points " points)"
	nstub = 0
	state = "header"
	next
}

state == "" && /END EXERCISE/ { fail("END EXERCISE without BEGIN") }

state == "" {
	if (mode != "list")
		print
	next
}

# The opening comment of a region being stubbed: keep the text, collect
# the stub lines, and print the stub once the comment closes.
state == "header" {
	line = $0
	if (line ~ /^[ \t]*\* stub: /) {
		sub(/^[ \t]*\* stub: /, "", line)
		stub[++nstub] = line
		next
	}
	if (line ~ /\*\/[ \t]*$/) {
		if (nstub == 0)
			fail("exercise " id " has no \"stub:\" line")
		if (stub[nstub] !~ /[;{}][ \t]*$/)
			fail("exercise " id ": the last \"stub:\" line must end the statement")
		print ind " * Replace the stub below with your code."
		print ind " */"
		for (i = 1; i <= nstub; i++)
			print ind stub[i]
		state = "skip"
		next
	}
	print
	next
}

/^[ \t]*\/\* BEGIN EXERCISE / { fail("BEGIN EXERCISE inside exercise " id) }

/^[ \t]*\/\* END EXERCISE / {
	end_id = $0
	sub(/^[ \t]*\/\* END EXERCISE /, "", end_id)
	sub(/ \*\/[ \t]*$/, "", end_id)
	if (end_id != id)
		fail("END EXERCISE " end_id " closes exercise " id)
	if (state == "keep")
		print
	state = ""
	next
}

state == "keep" { print; next }
state == "skip" { next }

END {
	if (!failed && state != "")
		fail("exercise " id " is not closed by END EXERCISE " id)
}
