#!/usr/bin/env bash
# Runs every memlock benchmark and measurement in one go and regenerates the tables in
# docs/benchmarks.md from the machine-readable results in docs/benchmarks/results/.
#
#   memlock-benchmarks/run.sh           full run (about 17 minutes on 2 cores)
#   memlock-benchmarks/run.sh --quick   smoke run: 1 s per benchmark, results kept in the build dir
#
# Needs: Linux, root or sudo for the libsodium install, prlimit and setpriv (util-linux).
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir="${MEMLOCK_BUILD_DIR:-target-bench}"
module=memlock-benchmarks
results=docs/benchmarks/results
markdown=docs/benchmarks.md
warmup=(-wi 3 -w 1s -i 5 -r 1s)
sample_warmup=(-wi 2 -w 1s -i 3 -r 1s)
if [[ "${1:-}" == "--quick" ]]; then
	results="$module/$build_dir/results-quick"
	markdown="$module/$build_dir/benchmarks-quick.md"
	warmup=(-wi 1 -w 1s -i 1 -r 1s)
	sample_warmup=("${warmup[@]}")
fi
started=$(date +%s)

say() { printf '\n== %s\n' "$*"; }

say "Checking prerequisites"
if ldconfig -p | grep -q 'libsodium\.so\.23'; then
	echo "libsodium: found libsodium.so.23 (Debian package $(dpkg-query -W -f='${Version}' libsodium23 2>/dev/null || echo unknown))"
else
	echo "libsodium: libsodium.so.23 is missing; installing Debian's libsodium23 with apt-get"
	sudo_cmd=()
	[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	"${sudo_cmd[@]}" apt-get install -y -qq libsodium23
fi
for tool in prlimit setpriv; do
	command -v "$tool" >/dev/null || { echo "$tool is missing: install util-linux" >&2; exit 1; }
done
echo "prlimit, setpriv: found"

say "Building $module and the modules it needs (build dir $build_dir)"
./mvnw -B -ntp -q -Pbenchmarks -pl "$module" -am -Dmemlock.build.dir="$build_dir" package -DskipTests

# The build ran 'java -XshowSettings:properties' through the Maven toolchain (exec-maven-plugin),
# so this is the same JDK 25 that compiled the code, found without JAVA_HOME.
java_home=$(sed -n 's/^ *java\.home = //p' "$module/$build_dir/java-settings.txt")
java="$java_home/bin/java"
jar="$module/$build_dir/memlock-benchmarks.jar"
"$java" -version 2>&1 | head -1
native=(--enable-native-access=ALL-UNNAMED -Dslf4j.internal.verbosity=ERROR)

mkdir -p "$results"
rm -f "$results"/jmh-*.json "$results"/*.csv "$results"/environment.properties
"$java" "${native[@]}" -cp "$jar" io.github.memlock.benchmarks.report.Environment "$results"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "${MEMLOCK_BENCH_COMMIT:-unknown}")
echo "commit=$commit" >> "$results/environment.properties"
peers=$("$java" "${native[@]}" -cp "$jar" io.github.memlock.benchmarks.peer.Peers)
echo "peers usable here: $peers"

jmh() {
	local name=$1
	shift
	say "JMH $name"
	"$java" -jar "$jar" -f 1 -rf json -rff "$results/jmh-$name.json" "$@"
	# JMH records the path of the java binary; keep the results free of this machine's paths
	# (the JDK's version is in environment.properties).
	sed -i 's|^\( *"jvm" : \)".*"|\1"java"|' "$results/jmh-$name.json"
}
jmh store-thrpt-1t SecretStoreBenchmark -p peerId="$peers" -bm thrpt -tu s -t 1 "${warmup[@]}"
jmh store-thrpt-2t SecretStoreBenchmark -p peerId="$peers" -bm thrpt -tu s -t 2 "${warmup[@]}"
jmh store-sample-1t SecretStoreBenchmark -p peerId="$peers" -bm sample -tu ns -t 1 "${sample_warmup[@]}"
jmh store-sample-2t SecretStoreBenchmark -p peerId="$peers" -bm sample -tu ns -t 2 "${sample_warmup[@]}"
jmh raw-thrpt RawLockBenchmark -bm thrpt -tu s -t 1 "${warmup[@]}"
jmh raw-sample RawLockBenchmark -bm sample -tu ns -t 1 "${sample_warmup[@]}"

say "Footprint and 8 MiB limit probes (one child JVM each)"
"$java" "${native[@]}" -cp "$jar" io.github.memlock.benchmarks.probe.ProbeRunner "$results" "$peers"

say "Context start with and without memlock (median of 5)"
"$java" "${native[@]}" -cp "$jar" io.github.memlock.benchmarks.startup.StartupRunner "$results" \
	"$module/$build_dir/startup-classpath.txt"

echo "loadAverageAtEnd=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$results/environment.properties"

say "Writing the tables into $markdown"
"$java" -cp "$jar" io.github.memlock.benchmarks.report.ReportGenerator "$results" "$markdown"
say "Done in $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s; results in $results"
