from ragcore.commands.cli import main

main()
