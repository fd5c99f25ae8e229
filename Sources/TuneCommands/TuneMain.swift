public enum TuneMain {
    public static func main() {}
}
