from caas_sandbox.cli import main

main()
