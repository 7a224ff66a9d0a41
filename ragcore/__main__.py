from ragcore.cli import main

main()
