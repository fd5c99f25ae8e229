/// A hyperparameter's value as the HParams plugin holds it: a `google.protobuf.Value` with
/// `number_value` = 2, `string_value` = 3 or `bool_value` = 4.
enum HParamValue: Sendable, Equatable, Hashable {
    case number(Double)
    case string(String)
    case bool(Bool)

    /// Writes the Value's one field.
    func write(_ value: inout ProtoEncoder) {
        switch self {
        case .number(let number): value.double(2, number)
        case .string(let text): value.string(3, text)
        case .bool(let flag): value.bool(4, flag)
        }
    }

    /// A `google.protobuf.ListValue` (values = 1) of `values`.
    static func writeList(_ values: [HParamValue], _ list: inout ProtoEncoder) {
        for item in values {
            list.message(1) { item.write(&$0) }
        }
    }
}
