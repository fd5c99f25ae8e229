import Testing
import TuneTestSupport

@testable import TuneCore

/// Which stderr line a failed trial's reason quotes (LastLine), from the output shapes real
/// command-line parsers and runtimes print.
@Suite(.limitedParallelism) struct ErrorTailTests {
    static func line(_ text: String, chunk: Int = 7) -> String? {
        var tail = LastLine()
        let bytes = Array(text.utf8)
        // In small pieces, as a pipe delivers them.
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            bytes[start..<end].withUnsafeBytes { tail.consume($0) }
            start = end
        }
        return tail.line
    }

    /// python-fire 0.7's output for a missing positional argument, as it prints it.
    static let fire = """
        ERROR: The function received no value for the required argument: job_dir
        Usage: train.py JOB_DIR <flags>
          optional flags:        --lr | --epochs

        For detailed information on this command, run:
          train.py --help

        """

    @Test func fireErrorIsChosenOverItsHelpPointer() {
        #expect(Self.line(Self.fire) == "ERROR: The function received no value for the required argument: job_dir")
        // Unterminated last line, too.
        #expect(Self.line(String(Self.fire.dropLast())) == "ERROR: The function received no value for the required argument: job_dir")
    }

    @Test func argparseAndTracebacksKeepTheirLastLine() {
        #expect(
            Self.line(
                """
                usage: train.py [-h] --job-dir JOB_DIR [--lr LR]
                                [--epochs EPOCHS]
                train.py: error: the following arguments are required: --job-dir

                """) == "train.py: error: the following arguments are required: --job-dir")
        #expect(
            Self.line(
                """
                Traceback (most recent call last):
                  File "train.py", line 3, in <module>
                    main()
                  File "train.py", line 2, in main
                    raise ValueError("lr must be positive")
                ValueError: lr must be positive

                """) == "ValueError: lr must be positive")
    }

    @Test func otherParsersErrorsBeforeTheirHelp() {
        // absl flags.
        #expect(
            Self.line(
                """
                FATAL Flags parsing error: flag --job_dir=None: Flag --job_dir must have a value other than None.
                Pass --helpshort or --helpfull to see help on flags.

                """) == "FATAL Flags parsing error: flag --job_dir=None: Flag --job_dir must have a value other than None.")
        // Click prints usage first and its error last; a Java exception before its stack frames.
        #expect(
            Self.line("Usage: train.py [OPTIONS]\nTry 'train.py --help' for help.\n\nError: Missing option '--job-dir'.\n")
                == "Error: Missing option '--job-dir'.")
        #expect(
            Self.line("Exception in thread \"main\" java.lang.IllegalStateException: no data\n\tat Train.main(Train.java:3)\n")
                == "Exception in thread \"main\" java.lang.IllegalStateException: no data")
        // A traceback's exception line is the error even when its name is not …Error.
        #expect(
            Self.line("Traceback (most recent call last):\n  File \"t.py\", line 1, in <module>\nKeyboardInterrupt\nUsage: t.py\n")
                == "KeyboardInterrupt")
    }

    @Test func theLastLineWhenWhatFollowsTheErrorIsNotBoilerplate() {
        #expect(Self.line("ERROR: first attempt failed\nretrying with a smaller batch\nloss=nan at step 30\n") == "loss=nan at step 30")
        #expect(Self.line("epoch 1 done\nepoch 2 done\n") == "epoch 2 done")
        #expect(Self.line("Usage: train.py --lr LR\n") == "Usage: train.py --lr LR", "only boilerplate: the last line, as before")
        #expect(Self.line("\n\n") == nil)
        #expect(Self.line("ERRORS_SEEN=3\n  --help\n") == "--help", "not an error word")
    }

    @Test func onlyTheLastLinesAreKept() {
        let flags = (1...LastLine.capacity).map { "  --flag\($0)  help text" }.joined(separator: "\n")
        #expect(Self.line("ERROR: bad\n" + flags + "\n") == "--flag\(LastLine.capacity)  help text")
        let fewer = (1..<LastLine.capacity).map { "  --flag\($0)  help text" }.joined(separator: "\n")
        #expect(Self.line("ERROR: bad\n" + fewer + "\n") == "ERROR: bad")
    }

    @Test func schedulerLinesStayApart() {
        var tail = LastLine(queueLinePrefixes: SlurmProcess.queueLinePrefixes)
        Array((Self.fire + "srun: error: node1: task 0: Exited with exit code 2\nsrun: ").utf8).withUnsafeBytes { tail.consume($0) }
        #expect(tail.line == "ERROR: The function received no value for the required argument: job_dir")
        #expect(tail.schedulerLines == ["srun: error: node1: task 0: Exited with exit code 2"])
    }

    @Test func longLinesAreCut() {
        let long = "ERROR: " + String(repeating: "x", count: 1000)
        #expect(Self.line(long + "\nUsage: t\n")?.utf8.count == 300)
    }
}
