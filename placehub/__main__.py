from placehub.cli import main

main()
