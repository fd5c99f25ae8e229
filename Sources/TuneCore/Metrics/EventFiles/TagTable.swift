/// What the summary metadata said a tag holds.
enum TagKind: Sendable {
    /// No metadata seen yet for the tag.
    case unknown
    /// The scalars plugin (or data class SCALAR): its tensors are readings.
    case scalar
    /// Another plugin (histograms, images, text, hparams, …): its tensors are not readings.
    case other
}

/// The tags met in one event file: each one's run-qualified name, built once, and its kind from
/// the first metadata seen (metadata is usually written only on a tag's first event).
///
/// Looked up by the tag's raw bytes without building a String: the entry after the last hit is
/// tried first (writers usually cycle through their tags in the same order every step), then a hash.
struct TagTable: Sendable {
    struct Entry: Sendable {
        var bytes: [UInt8]
        var tag: String
        var kind: TagKind
    }

    /// The run the file belongs to, "" for the root, else its folder relative to the root followed by "/".
    let prefix: String
    private(set) var entries: [Entry] = []
    /// First entry for a hash of the tag's bytes; further entries with the same hash are in `collisions`.
    private var byHash: [UInt64: Int] = [:]
    private var collisions: [Int] = []
    private var last = -1

    init(run: String) {
        prefix = run.isEmpty ? "" : run + "/"
    }

    /// Distinct tags held, at most (as the stdout parser's: 10 × `BoundedReadings.maxTags`, so the
    /// tag that passes the trial's limit still reaches it and is warned about).
    static let maxTags = 10 * BoundedReadings.maxTags

    /// The index of the entry for `bytes`, added if new; nil for a new tag once `maxTags` are held.
    @inline(__always)
    mutating func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        let count = entries.count
        if count > 0 {
            var guess = last &+ 1
            if guess >= count { guess = 0 }
            if matches(guess, bytes) {
                last = guess
                return guess
            }
            if last >= 0, matches(last, bytes) { return last }
        }
        let hash = Self.hash(bytes)
        if let first = byHash[hash] {
            if matches(first, bytes) {
                last = first
                return first
            }
            for i in collisions where matches(i, bytes) {
                last = i
                return i
            }
            guard count < Self.maxTags else { return nil }
            collisions.append(count)
        } else {
            guard count < Self.maxTags else { return nil }
            byHash[hash] = count
        }
        let name = String(decoding: bytes, as: UTF8.self)
        entries.append(Entry(bytes: Array(bytes), tag: prefix + name, kind: .unknown))
        last = count
        return count
    }

    func tag(_ index: Int) -> String { entries[index].tag }
    func kind(_ index: Int) -> TagKind { entries[index].kind }

    /// Records what the tag's first informative metadata said.
    mutating func learn(_ kind: TagKind, at index: Int) {
        if entries[index].kind == .unknown { entries[index].kind = kind }
    }

    @inline(__always)
    private func matches(_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        entries[index].bytes.withUnsafeBytes { stored in
            stored.count == bytes.count
                && (bytes.count == 0 || memcmpEqual(stored.baseAddress!, bytes.baseAddress!, bytes.count))
        }
    }

    /// FNV-1a.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
