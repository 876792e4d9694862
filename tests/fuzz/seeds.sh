# The seed inputs of fuzz target $1, as directories (searched
# recursively): its own hand-made cases, and the project's real files
# where they are the target's input, read in place rather than copied
# (so the seeds follow the layouts and content as they change); then
# every input that once crashed it.
fuzz_seeds() {
	case $1 in
	fm) set -- "$1" content tests/fixture/content ;;
	tmpl) set -- "$1" tests/fuzz/corpus/tmpl layouts/web ;;
	layout) set -- "$1" layouts/print ;;
	*) set -- "$1" "tests/fuzz/corpus/$1" ;;
	esac
	t=$1
	shift
	echo "$@"
	[ -d "tests/fuzz/regress/$t" ] && echo "tests/fuzz/regress/$t"
	true
}
