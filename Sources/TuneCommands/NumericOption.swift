import ArgumentParser
import TuneCore

/// Checks of numeric options: finite and in a range that makes sense, with a message naming the
/// option, the value given and the values accepted (ArgumentParser takes `inf`, `nan` and `1e300`
/// as a Double, and any 64-bit integer).
enum NumericOption {
    /// Seconds within `range` (`above` excludes its lower bound: an interval of 0 would spin).
    static func seconds(_ value: Double, _ option: String, in range: ClosedRange<Double>, above: Bool = false) throws {
        let low = above ? value > range.lowerBound : value >= range.lowerBound
        guard value.isFinite, low, value <= range.upperBound else {
            let from = above ? "above \(number(range.lowerBound))" : "from \(number(range.lowerBound))"
            throw ValidationError("\(option) \(number(value)): expected a number of seconds \(from) to \(number(range.upperBound))")
        }
    }

    /// An integer within `range`.
    static func integer(_ value: Int, _ option: String, in range: ClosedRange<Int>, what: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) \(value): expected \(what) from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// `10`, not `10.0`; `inf` and `nan` as ArgumentParser read them.
    private static func number(_ value: Double) -> String {
        value.isFinite && value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
