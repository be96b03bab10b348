package io.github.memlock.nativeaccess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProcFs}, on recorded files and on the running process.
 */
class ProcFsTests {

	private static final String STATUS = """
			Name:	java
			VmPeak:	 8012344 kB
			VmLck:	      12 kB
			VmPin:	       0 kB
			CapInh:	0000000000000000
			CapPrm:	000001ffffffffff
			CapEff:	%s
			""";

	private static final String SMAPS = """
			55d5c7a00000-55d5c7a01000 r--p 00000000 08:01 1234     /usr/bin/java
			Size:                  4 kB
			Locked:                0 kB
			VmFlags: rd mr mw me dw sd
			7f0000000000-7f0000004000 rw-p 00000000 00:00 0
			Size:                 16 kB
			Locked:               16 kB
			VmFlags: rd wr mr mw me lo ac wf dd
			7f0000010000-7f0000012000 rw-s 00000000 00:01 42       /secretmem (deleted)
			Size:                  8 kB
			VmFlags: rd wr sh mr mw me ms lo dc dd
			ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
			Size:                  4 kB
			VmFlags: ex
			""";

	@TempDir
	Path directory;

	@Test
	void lockedBytesShouldConvertVmLckFromKilobytes() throws IOException {
		assertThat(recorded("000001fffeffffff").lockedBytes()).isEqualTo(12 * 1024);
	}

	@Test
	void lockedBytesWhenVmLckAbsentShouldBeZero() throws IOException {
		Files.writeString(this.directory.resolve("status"), "Name:\tjava\n");
		assertThat(ProcFs.at(this.directory).lockedBytes()).isZero();
	}

	@Test
	void ipcLockEffectiveWhenBitFourteenSetShouldBeTrue() throws IOException {
		assertThat(recorded("0000000000004000").ipcLockEffective()).isTrue();
	}

	@Test
	void ipcLockEffectiveWhenBitFourteenClearShouldBeFalse() throws IOException {
		assertThat(recorded("000001fffeffbfff").ipcLockEffective()).isFalse();
	}

	@Test
	void vmFlagsShouldBeThoseOfTheMappingContainingTheAddress() throws IOException {
		ProcFs procFs = recorded("0");
		assertThat(procFs.vmFlags(0x7f0000000000L)).hasValueSatisfying(
				(flags) -> assertThat(flags).containsExactly("rd", "wr", "mr", "mw", "me", "lo", "ac", "wf", "dd"));
		assertThat(procFs.vmFlags(0x7f0000003fffL)).hasValueSatisfying((flags) -> assertThat(flags).contains("lo"));
		assertThat(procFs.vmFlags(0x7f0000011000L))
			.hasValueSatisfying((flags) -> assertThat(flags).contains("lo", "dd", "dc"));
		assertThat(procFs.vmFlags(0xffffffffff600000L)).hasValueSatisfying((flags) -> assertThat(flags).contains("ex"));
	}

	@Test
	void vmFlagsWhenNoMappingContainsTheAddressShouldBeEmpty() throws IOException {
		ProcFs procFs = recorded("0");
		assertThat(procFs.vmFlags(0x7f0000004000L)).isEmpty();
		assertThat(procFs.vmFlags(0)).isEmpty();
	}

	@Test
	void mappingCountShouldCountTheLinesOfMaps() throws IOException {
		assertThat(recorded("0").mappingCount()).isEqualTo(4);
	}

	@Test
	void readersWhenFilesMissingShouldReportNothing() {
		ProcFs procFs = ProcFs.at(this.directory.resolve("gone"));
		assertThat(procFs.lockedBytes()).isZero();
		assertThat(procFs.ipcLockEffective()).isFalse();
		assertThat(procFs.vmFlags(0x7f0000000000L)).isEmpty();
		assertThat(procFs.mappingCount()).isZero();
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void ofWhenOwnPidShouldReadTheSameProcessAsSelf() {
		ProcFs own = ProcFs.of(ProcessHandle.current().pid());
		assertThat(own.ipcLockEffective()).isEqualTo(ProcFs.self().ipcLockEffective());
		assertThat(own.mappingCount()).isPositive();
	}

	private ProcFs recorded(String capEff) throws IOException {
		Files.writeString(this.directory.resolve("status"), STATUS.formatted(capEff));
		Files.writeString(this.directory.resolve("smaps"), SMAPS);
		String maps = SMAPS.lines()
			.filter((line) -> !line.contains(":  ") && !line.startsWith("VmFlags"))
			.toList()
			.stream()
			.reduce("", (all, line) -> all + line + "\n");
		Files.writeString(this.directory.resolve("maps"), maps);
		return ProcFs.at(this.directory);
	}

}
