"""The built-in AWS endpoint: Bedrock, Personalize and SageMaker batch jobs over their real wire protocols.

Powers `batchtop --demo`, `batchtop emulate`, the tests and the benchmarks. See
CONTRACT.md, "Emulator Python API".
"""

from .faults import Faults
from .server import EmulatorServer, EmulatorThread, RequestRecord
from .world import World

__all__ = ["EmulatorServer", "EmulatorThread", "Faults", "RequestRecord", "World"]
