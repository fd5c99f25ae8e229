/// One `tensorflow.Event` that tune writes (tensorflow/core/util/event.proto), the writer's side
/// of `EventDecoding`:
///
///     Event          wall_time = 1 (double), step = 2 (int64), file_version = 3, summary = 5
///     Summary.Value  tag = 1, tensor = 8 (TensorProto), metadata = 9 (SummaryMetadata)
///     SummaryMetadata  plugin_data = 1 (plugin_name = 1, content = 2), data_class = 4
///
/// A scalar is written as TensorFlow 2's `tf.summary.scalar` writes it: a rank-0 DT_FLOAT tensor
/// with the scalars plugin's metadata (float32: TensorBoard 2.15's data server answered the HParams
/// dashboard's session request with an error for a DT_DOUBLE scalar); a plugin's summary (the HParams plugin's) as
/// `tensorboard.plugins.hparams.summary` writes it: the plugin's content in the metadata, and an
/// empty float vector as the tensor.
struct SummaryEvent: Sendable, Equatable {
    enum Body: Sendable, Equatable {
        /// The first event of a file: `brain.Event:2`.
        case fileVersion
        case scalar(tag: String, value: Float)
        case pluginData(tag: String, plugin: String, content: [UInt8])
    }

    var wallTime: Double
    var step: Int64
    var body: Body

    static let fileVersionText = "brain.Event:2"
    /// TensorProto's `dtype` for float32.
    static let dtFloat: Int64 = 1
    /// SummaryMetadata's `data_class` SCALAR.
    static let dataClassScalar: Int64 = 1

    init(wallTime: Double, step: Int64 = 0, body: Body) {
        self.wallTime = wallTime
        self.step = step
        self.body = body
    }

    /// The serialized Event.
    var encoded: [UInt8] {
        var event = ProtoEncoder()
        event.double(1, wallTime)
        if step != 0 { event.int(2, step) }
        switch body {
        case .fileVersion:
            event.string(3, Self.fileVersionText)
        case .scalar(let tag, let value):
            event.message(5) { summary in
                summary.message(1) { v in
                    v.string(1, tag)
                    v.message(8) { Self.writeTensor(&$0, rank0: value) }
                    v.message(9) { metadata in
                        metadata.message(1) { $0.string(1, "scalars") }
                        metadata.int(4, Self.dataClassScalar)
                    }
                }
            }
        case .pluginData(let tag, let plugin, let content):
            event.message(5) { summary in
                summary.message(1) { v in
                    v.string(1, tag)
                    v.message(8) { Self.writeTensor(&$0, rank0: nil) }
                    v.message(9) { metadata in
                        metadata.message(1) { data in
                            data.string(1, plugin)
                            data.lengthDelimited(2, content)
                        }
                    }
                }
            }
        }
        return event.bytes
    }

    /// TensorProto: dtype = 1, tensor_shape = 2 (dim = 2: size = 1), float_val = 5 (packed).
    /// A value makes a rank-0 tensor of it; nil an empty vector (shape [0]).
    private static func writeTensor(_ tensor: inout ProtoEncoder, rank0 value: Float?) {
        tensor.int(1, dtFloat)
        if let value {
            tensor.message(2) { _ in }
            var packed = ProtoEncoder()
            packed.fixed32(value.bitPattern)
            tensor.lengthDelimited(5, packed.bytes)
        } else {
            tensor.message(2) { shape in shape.message(2) { _ in } }
        }
    }
}
