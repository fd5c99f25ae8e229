import Testing
import TuneTestSupport

@testable import TuneCore

/// Failure reasons that differ only in a printed set's or dict's order are one group.
@Suite(.limitedParallelism) struct FailureGroupingTests {
    @Test func setAndDictElementsAreSorted() {
        #expect(FailureGrouping.key("unexpected keys {'b', 'a'}") == FailureGrouping.key("unexpected keys {'a', 'b'}"))
        #expect(
            FailureGrouping.key("exited with code 1: KeyError: {'lr': 1, 'batch': {3, 1, 2}} in x")
                == FailureGrouping.key("exited with code 1: KeyError: {'batch': {1, 2, 3}, 'lr': 1} in x"))
        // Commas and braces inside quotes are part of an element.
        #expect(FailureGrouping.key("missing {'a,b', '}'}") == FailureGrouping.key("missing {'}', 'a,b'}"))
    }

    @Test func whatIsNotASetKeepsItsOrder() {
        #expect(FailureGrouping.key("got [2, 1]") != FailureGrouping.key("got [1, 2]"))
        #expect(FailureGrouping.key("got (2, 1)") != FailureGrouping.key("got (1, 2)"))
        #expect(FailureGrouping.key("in {'b', 'a'} then {x") == "in {'a', 'b'} then {x", "an unclosed brace (a cut reason) is left as it is")
        #expect(FailureGrouping.key("plain reason") == "plain reason")
        #expect(FailureGrouping.key("{'a', 'b'} vs {'c'}") != FailureGrouping.key("{'c'} vs {'a', 'b'}"))
    }

    @Test func groupsShowTheFirstTextSeen() {
        let reasons = ["x {'b', 'a'}", "other", "x {'a', 'b'}", "x {'b', 'a'}"]
        let groups = FailureGrouping.grouped(Array(reasons.enumerated())) { $0.element }
        #expect(groups.map(\.reason) == ["x {'b', 'a'}", "other"])
        #expect(groups.map { $0.items.map(\.offset) } == [[0, 2, 3], [1]])
    }
}
