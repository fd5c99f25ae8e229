/// Decodes the scalar readings of one `tensorflow.Event` (tensorflow/core/util/event.proto):
///
///     Event          wall_time = 1 (double), step = 2 (int64), file_version = 3, summary = 5, …
///     Summary        repeated Value value = 1
///     Summary.Value  tag = 1, simple_value = 2 (float), image = 4, histo = 5, audio = 6,
///                    node_name = 7, tensor = 8 (TensorProto), metadata = 9 (SummaryMetadata)
///
/// A `simple_value` (TF1, PyTorch's SummaryWriter, tensorboardX) is always a reading. A `tensor`
/// (TF2's tf.summary.scalar, Keras' TensorBoard callback) is one when its tag's metadata names the
/// scalars plugin (or data class SCALAR) and it holds one number, or, with no metadata known for
/// the tag, when it is a rank-0 numeric tensor. Unknown fields of any wire type are skipped.
enum EventDecoding {
    /// Appends the readings in `record` to `readings`. Throws when the bytes are not a well-formed
    /// Event; the caller then drops what this call appended.
    static func decode(
        _ record: UnsafeRawBufferPointer, tags: inout TagTable,
        into readings: inout [MetricReading]
    ) throws(ProtoError) {
        // First pass: the step (and the whole message's framing checked).
        var step: Int64 = 0
        var hasSummary = false
        var reader = ProtoReader(record)
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            if field == 2 && wire == WireType.varint {
                step = Int64(bitPattern: try reader.readVarint())
            } else {
                if field == 5 && wire == WireType.lengthDelimited { hasSummary = true }
                try reader.skip(field: field, wire: wire)
            }
        }
        guard hasSummary else { return }
        let readingStep = Int(clamping: step)
        reader = ProtoReader(record)
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            if field == 5 && wire == WireType.lengthDelimited {
                var summary = try reader.readLengthDelimited()
                try decodeSummary(&summary, step: readingStep, tags: &tags, into: &readings)
            } else {
                try reader.skip(field: field, wire: wire)
            }
        }
    }

    private static func decodeSummary(
        _ summary: inout ProtoReader, step: Int, tags: inout TagTable,
        into readings: inout [MetricReading]
    ) throws(ProtoError) {
        while !summary.isAtEnd {
            let (field, wire) = try summary.readKey()
            if field == 1 && wire == WireType.lengthDelimited {
                var value = try summary.readLengthDelimited()
                try decodeValue(&value, step: step, tags: &tags, into: &readings)
            } else {
                try summary.skip(field: field, wire: wire)
            }
        }
    }

    /// Which member of Summary.Value's `value` oneof was set (the last one written wins).
    private enum Payload {
        case none
        case simple(Float)
        case tensor(ProtoReader)
        case other
    }

    private static func decodeValue(
        _ value: inout ProtoReader, step: Int, tags: inout TagTable,
        into readings: inout [MetricReading]
    ) throws(ProtoError) {
        var tag: ProtoReader?
        var metadata: ProtoReader?
        var payload = Payload.none
        while !value.isAtEnd {
            let (field, wire) = try value.readKey()
            switch (field, wire) {
            case (1, WireType.lengthDelimited): tag = try value.readLengthDelimited()
            case (2, WireType.fixed32): payload = .simple(Float(bitPattern: try value.readFixed32()))
            case (8, WireType.lengthDelimited): payload = .tensor(try value.readLengthDelimited())
            case (9, WireType.lengthDelimited): metadata = try value.readLengthDelimited()
            case (4, WireType.lengthDelimited), (5, WireType.lengthDelimited), (6, WireType.lengthDelimited):
                _ = try value.readLengthDelimited()
                payload = .other
            default: try value.skip(field: field, wire: wire)
            }
        }
        guard let tag, !tag.isAtEnd else { return }
        if case .other = payload, metadata == nil { return }
        if case .none = payload, metadata == nil { return }
        guard let index = tags.index(of: tag.bytes) else { return }  // past TagTable.maxTags distinct tags
        if var metadata {
            let kind = try kind(of: &metadata)
            if kind != .unknown { tags.learn(kind, at: index) }
        }
        switch payload {
        case .simple(let number):
            readings.append(MetricReading(tag: tags.tag(index), value: Double(number), step: step, source: .events))
        case .tensor(var tensor):
            let kind = tags.kind(index)
            guard kind != .other else { return }
            let scalar = try TensorScalar.read(&tensor)
            guard let number = scalar.value, scalar.elements == 1, kind == .scalar || scalar.rank == 0 else { return }
            readings.append(MetricReading(tag: tags.tag(index), value: number, step: step, source: .events))
        case .none, .other:
            return
        }
    }

    /// SummaryMetadata: plugin_data = 1 (PluginData: plugin_name = 1, content = 2),
    /// display_name = 2, summary_description = 3, data_class = 4 (SCALAR = 1, TENSOR = 2, BLOB_SEQUENCE = 3).
    private static func kind(of metadata: inout ProtoReader) throws(ProtoError) -> TagKind {
        var plugin: TagKind = .unknown
        var dataClass: UInt64 = 0
        while !metadata.isAtEnd {
            let (field, wire) = try metadata.readKey()
            if field == 1 && wire == WireType.lengthDelimited {
                var pluginData = try metadata.readLengthDelimited()
                while !pluginData.isAtEnd {
                    let (inner, innerWire) = try pluginData.readKey()
                    if inner == 1 && innerWire == WireType.lengthDelimited {
                        let name = try pluginData.readLengthDelimited()
                        if !name.isAtEnd { plugin = name.equals("scalars") ? .scalar : .other }
                    } else {
                        try pluginData.skip(field: inner, wire: innerWire)
                    }
                }
            } else if field == 4 && wire == WireType.varint {
                dataClass = try metadata.readVarint()
            } else {
                try metadata.skip(field: field, wire: wire)
            }
        }
        if plugin != .unknown { return plugin }
        switch dataClass {
        case 1: return .scalar
        case 2, 3: return .other
        default: return .unknown
        }
    }
}
