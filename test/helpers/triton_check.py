# Check a Triton model repository against Triton's schema and rules, independently of recc:
#   triton_check.py MODEL_CONFIG.proto REPOSITORY_DIR
# 1. Schema: protoc compiles model_config.proto to a descriptor; every <model>/config.pbtxt is
#    parsed by protobuf's own text-format parser into inference.ModelConfig (unknown fields,
#    misspelt enum values, wrong value types and repeated singular fields are errors).
# 2. Triton core's checks of a configuration (src/model_config_utils.cc in
#    triton-inference-server/core: ValidateModelConfig, ValidateIOShape) that apply here.
# 3. The ONNX Runtime backend's view: the model file is <model>/1/model.onnx, and each input and
#    output of the configuration is one of the ONNX graph's, with its data type and its shape
#    (batch dimension first and left out of `dims`; a batch-only tensor as dims [1], reshape []).
# Prints JSON: {"<model>": {"errors": [...], "config": <the parsed config as a dict>}}.
import json, os, subprocess, sys, tempfile

import onnx
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, text_format

WILDCARD = -1
ONNX_TO_TRITON = {onnx.TensorProto.FLOAT: 'TYPE_FP32', onnx.TensorProto.INT64: 'TYPE_INT64', onnx.TensorProto.STRING: 'TYPE_STRING',
                  onnx.TensorProto.INT32: 'TYPE_INT32', onnx.TensorProto.DOUBLE: 'TYPE_FP64', onnx.TensorProto.BOOL: 'TYPE_BOOL'}


def model_config_class(proto):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'model_config.desc')
        subprocess.run(['protoc', f'--proto_path={os.path.dirname(os.path.abspath(proto))}', f'--descriptor_set_out={out}', os.path.basename(proto)], check=True)
        with open(out, 'rb') as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for f in files.file:
        pool.Add(f)
    desc = pool.FindMessageTypeByName('inference.ModelConfig')
    if hasattr(message_factory, 'GetMessageClass'):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def element_count(dims):
    """triton::common::GetElementCount: -1 with a wildcard, 0 for no dimensions."""
    if WILDCARD in dims:
        return WILDCARD
    n = 0
    for k, d in enumerate(dims):
        n = d if k == 0 else n * d
    return n


def io_shape_errors(io, max_batch_size, what):
    """ValidateIOShape (model_config_utils.cc), for the parts that concern static shapes."""
    errors = []
    where = f"{what} '{io.name}'"
    if not io.name:
        return [f'{what} must specify name']
    if io.data_type == 0:
        errors.append(f'{where} must specify data_type')
    if len(io.dims) == 0:
        errors.append(f'{where} must specify dims')
    if io.HasField('reshape') and len(io.reshape.shape) == 0 and max_batch_size == 0:
        errors.append(f'{where} cannot have an empty reshape in a non-batching model')
    if any(d < 1 and d != WILDCARD for d in io.dims):
        errors.append(f'{where} dimension must be >= 1 or -1')
    if io.HasField('reshape'):
        if any(d < 1 and d != WILDCARD for d in io.reshape.shape):
            errors.append(f'{where} reshape dimensions must be >= 1 or -1')
        a, b = element_count(io.dims), element_count(io.reshape.shape)
        # an empty reshape goes with dims of one element
        if a != b and (b != 0 or a != 1):
            errors.append(f'{where} has different size for dims and reshape')
    return errors


def onnx_dims(value):
    dims = []
    for d in value.type.tensor_type.shape.dim:
        dims.append(d.dim_value if d.HasField('dim_value') else d.dim_param)
    return dims


def check_model(ModelConfig, repo, name):
    errors = []
    path = os.path.join(repo, name, 'config.pbtxt')
    config = ModelConfig()
    try:
        with open(path, encoding='utf-8') as f:
            text_format.Parse(f.read(), config)
    except Exception as e:  # text_format.ParseError, UnicodeDecodeError
        return {'errors': [f'config.pbtxt does not parse as inference.ModelConfig: {e}'], 'config': None}
    # ValidateModelConfig and the backend's defaults (model_config_utils.cc)
    if config.name and config.name != name:
        errors.append(f'name {config.name!r} is not the directory name {name!r}')
    if (config.platform, config.backend) != ('onnxruntime_onnx', 'onnxruntime'):
        errors.append(f'platform/backend {config.platform!r}/{config.backend!r} is not onnxruntime_onnx/onnxruntime')
    if config.max_batch_size < 0:
        errors.append('max_batch_size must be non-negative')
    if config.HasField('dynamic_batching'):
        if config.max_batch_size == 0:
            errors.append('dynamic batching needs max_batch_size > 0')
        for s in config.dynamic_batching.preferred_batch_size:
            if s < 1 or s > config.max_batch_size:
                errors.append(f'preferred batch size {s} is not in 1..max_batch_size')
    for kind, ios in (('model input', config.input), ('model output', config.output)):
        names = [io.name for io in ios]
        if len(set(names)) != len(names):
            errors.append(f'{kind} names repeat: {names}')
        for io in ios:
            errors += io_shape_errors(io, config.max_batch_size, kind)
    # the ONNX model these describe
    model_file = os.path.join(repo, name, '1', config.default_model_filename or 'model.onnx')
    if not os.path.isfile(model_file):
        errors.append(f'no model file {model_file}')
        return {'errors': errors, 'config': json_format.MessageToDict(config)}
    graph = onnx.load(model_file).graph
    initializers = {i.name for i in graph.initializer}
    onnx_io = {'model input': {v.name: v for v in graph.input if v.name not in initializers}, 'model output': {v.name: v for v in graph.output}}
    type_name = lambda t: config.DESCRIPTOR.fields_by_name['input'].message_type.fields_by_name['data_type'].enum_type.values_by_number[t].name
    for kind, ios in (('model input', config.input), ('model output', config.output)):
        listed = {io.name for io in ios}
        missing = sorted(set(onnx_io[kind]) - listed)
        if missing:
            errors.append(f'{kind}s of the ONNX model not in the configuration: {missing}')
        for io in ios:
            v = onnx_io[kind].get(io.name)
            if v is None:
                errors.append(f"{kind} '{io.name}' is not in the ONNX model")
                continue
            want = ONNX_TO_TRITON.get(v.type.tensor_type.elem_type, '?')
            if type_name(io.data_type) != want:
                errors.append(f"{kind} '{io.name}': data_type {type_name(io.data_type)}, the model's is {want}")
            dims = onnx_dims(v)
            if config.max_batch_size > 0:
                if not dims or isinstance(dims[0], int):
                    errors.append(f"{kind} '{io.name}': the model's shape {dims} has no leading batch dimension")
                    continue
                dims = dims[1:]
            else:
                # no batching by Triton: every dimension listed, -1 where the model's is symbolic
                dims = [d if isinstance(d, int) else -1 for d in dims]
            shape = list(io.reshape.shape) if io.HasField('reshape') else list(io.dims)
            if any(not isinstance(d, int) for d in dims):
                errors.append(f"{kind} '{io.name}': symbolic dimensions {dims} after the batch")
            elif shape != dims:
                errors.append(f"{kind} '{io.name}': dims {list(io.dims)} (reshape {list(io.reshape.shape) if io.HasField('reshape') else None}) do not give the model's {dims}")
    return {'errors': errors, 'config': json_format.MessageToDict(config, preserving_proto_field_name=True)}


def main(proto, repo):
    ModelConfig = model_config_class(proto)
    out = {}
    for name in sorted(os.listdir(repo)):
        if os.path.isdir(os.path.join(repo, name)):
            out[name] = check_model(ModelConfig, repo, name)
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
