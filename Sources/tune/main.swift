import TuneCommands

TuneMain.main()
