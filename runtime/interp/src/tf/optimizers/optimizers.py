# tf.keras.optimizers as bundled with TF 2.21 (Keras 3, TensorFlow backend),
# written on top of tf ops and Variable.assign*: the update math follows
# keras/src/optimizers/*.py line by line, so eager and traced runs give
# Keras' numbers. `tf` and `_tfjit_opt` (native helpers) are set by
# tf/optimizers/mod.rs after this source runs.

tf = None


class _tfjit_opt:
    pass


_name_uids = {}


def _unique_name(base):
    n = _name_uids.get(base, 0)
    _name_uids[base] = n + 1
    if n == 0:
        return base
    return base + "_" + str(n)


def _snake(name):
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and (name[i - 1].islower() or name[i - 1].isdigit() or (i + 1 < len(name) and name[i + 1].islower())):
            out += "_"
        out += ch.lower()
    return out


class Variable:
    """A Keras variable (keras.src.backend.tensorflow.core.Variable): a
    tf.Variable with a Keras `path` and Keras' repr."""

    def __init__(self, initial_value, name, path, dtype=None):
        self.value = tf.Variable(initial_value, dtype=dtype, trainable=False, name=name)
        self.name = name
        self.path = path

    @property
    def dtype(self):
        return self.value.dtype.name

    @property
    def shape(self):
        return tuple(self.value.shape.as_list())

    @property
    def trainable(self):
        return False

    def numpy(self):
        return self.value.numpy()

    def assign(self, value):
        self.value.assign(value)
        return self.value

    def assign_add(self, value):
        self.value.assign_add(value)
        return self.value

    def assign_sub(self, value):
        self.value.assign_sub(value)
        return self.value

    def __repr__(self):
        v = self.value.numpy()
        if len(self.value.shape) == 0:
            if self.value.dtype.is_floating:
                v = repr(float(v))
            else:
                v = str(int(v))
        return "<Variable path=" + self.path + ", shape=" + str(self.shape) + ", dtype=" + self.dtype + ", value=" + str(v) + ">"

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def __bool__(self):
        return bool(self.value)

    def __add__(self, o):
        return self.value + o

    def __radd__(self, o):
        return o + self.value

    def __sub__(self, o):
        return self.value - o

    def __rsub__(self, o):
        return o - self.value

    def __mul__(self, o):
        return self.value * o

    def __rmul__(self, o):
        return o * self.value

    def __truediv__(self, o):
        return self.value / o

    def __rtruediv__(self, o):
        return o / self.value

    def __pow__(self, o):
        return self.value**o

    def __neg__(self):
        return -self.value

    def __lt__(self, o):
        return self.value < o

    def __le__(self, o):
        return self.value <= o

    def __gt__(self, o):
        return self.value > o

    def __ge__(self, o):
        return self.value >= o


def _val(v):
    if isinstance(v, Variable):
        return v.value
    return v


class Optimizer:
    """keras.optimizers.Optimizer (BaseOptimizer + TFOptimizer)."""

    def __init__(self, learning_rate, name=None, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, **kwargs):
        if kwargs:
            raise ValueError("Argument(s) not recognized: " + str(kwargs))
        for arg, val in [("weight_decay", weight_decay), ("clipnorm", clipnorm), ("clipvalue", clipvalue),
                         ("global_clipnorm", global_clipnorm), ("ema_overwrite_frequency", ema_overwrite_frequency),
                         ("loss_scale_factor", loss_scale_factor), ("gradient_accumulation_steps", gradient_accumulation_steps)]:
            if val is not None:
                raise NotImplementedError("optimizer argument " + arg + " is not implemented in tfjit yet")
        if use_ema:
            raise NotImplementedError("optimizer argument use_ema is not implemented in tfjit yet")
        if name is None:
            name = _unique_name(_snake(type(self).__name__))
        self.name = name
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._iterations = Variable(_tfjit_opt.eager_scalar(0, tf.int64), "iteration", self.name + "/iteration", dtype=tf.int64)
        self._variables.append(self._iterations)
        if callable(learning_rate) and not isinstance(learning_rate, (int, float)):
            self._learning_rate = learning_rate
        else:
            if not isinstance(learning_rate, float):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance "
                    "of LearningRateSchedule, or a callable "
                    "(that takes in the current iteration value "
                    "and returns the corresponding learning rate value). "
                    "Received instead: learning_rate=" + str(learning_rate)
                )
            self._learning_rate = Variable(_tfjit_opt.eager_scalar(learning_rate, tf.float32), "learning_rate",
                                           self.name + "/learning_rate", dtype=tf.float32)
            self._variables.append(self._learning_rate)

    @property
    def iterations(self):
        return self._iterations

    @property
    def variables(self):
        return list(self._variables)

    @property
    def learning_rate(self):
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        return self._learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if callable(learning_rate) and not isinstance(learning_rate, (int, float)):
            if isinstance(self._learning_rate, Variable):
                self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = learning_rate
        elif isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(learning_rate)
        else:
            self._learning_rate = Variable(_tfjit_opt.eager_scalar(float(learning_rate), tf.float32), "learning_rate",
                                           self.name + "/learning_rate", dtype=tf.float32)
            self._variables.append(self._learning_rate)

    def _lr(self):
        lr = self.learning_rate
        return _val(lr)

    def add_variable(self, shape_of, name, value=0.0):
        v = Variable(_tfjit_opt.eager_full_like(shape_of, value), name, self.name + "/" + name)
        self._variables.append(v)
        return v

    def add_variable_from_reference(self, reference_variable, name, value=0.0):
        ref = reference_variable.name.replace("/", "_").replace(":", "_")
        return self.add_variable(reference_variable, ref + "_" + name, value)

    def add_optimizer_variables(self, var_list, name, value=0.0):
        return [self.add_variable_from_reference(v, name, value) for v in var_list]

    def build(self, var_list):
        for v in var_list:
            self._trainable_variables_indices[_tfjit_opt.var_id(v)] = len(self._trainable_variables)
            self._trainable_variables.append(v)
        self.built = True

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[_tfjit_opt.var_id(variable)]

    def apply_gradients(self, grads_and_vars):
        pairs = list(grads_and_vars)
        grads = [p[0] for p in pairs]
        trainable_variables = [p[1] for p in pairs]
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer "
                    "must already be built on a list of variables. "
                    "Call `optimizer.build(trainable_variables)` first. "
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            for v in trainable_variables:
                if _tfjit_opt.var_id(v) not in self._trainable_variables_indices:
                    raise ValueError(
                        "Unknown variable: " + repr(v) + ". This optimizer can only "
                        "be called for the variables it was originally built with. "
                        "When working with a new set of variables, you should "
                        "recreate a new optimizer instance."
                    )
        filtered_grads = []
        filtered_vars = []
        for g, v in zip(grads, trainable_variables):
            if g is not None:
                filtered_grads.append(g)
                filtered_vars.append(v)
        if not filtered_grads:
            raise ValueError("No gradients provided for any variable.")
        self._backend_update_step(filtered_grads, filtered_vars, self._lr())
        self._iterations.value.assign_add(1)

    def minimize(self, loss, var_list, tape=None):
        if tape is None:
            raise NotImplementedError("optimizer.minimize without a tape is not implemented in tfjit yet")
        grads = tape.gradient(loss, var_list)
        self.apply_gradients(zip(grads, var_list))

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        for g, v in zip(grads, trainable_variables):
            self.update_step(tf.convert_to_tensor(g), v, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = tf.cast(learning_rate, variable.dtype)
        gradient = tf.cast(gradient, variable.dtype)
        m = None
        if self.momentum != 0:
            m = self.momentums[self._get_variable_index(variable)].value
        if m is not None:
            momentum = tf.cast(self.momentum, variable.dtype)
            m.assign(tf.subtract(tf.multiply(m, momentum), tf.multiply(gradient, learning_rate)))
            if self.nesterov:
                variable.assign_add(tf.subtract(tf.multiply(m, momentum), tf.multiply(gradient, learning_rate)))
            else:
                variable.assign_add(m)
        else:
            variable.assign_sub(tf.multiply(gradient, learning_rate))


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        lr = tf.cast(learning_rate, variable.dtype)
        gradient = tf.cast(gradient, variable.dtype)
        local_step = tf.cast(self._iterations.value + 1, variable.dtype)
        beta_1_power = tf.pow(tf.cast(self.beta_1, variable.dtype), local_step)
        beta_2_power = tf.pow(tf.cast(self.beta_2, variable.dtype), local_step)
        m = self._momentums[self._get_variable_index(variable)].value
        v = self._velocities[self._get_variable_index(variable)].value
        alpha = lr * tf.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        m.assign_add(tf.multiply(tf.subtract(gradient, m), 1 - self.beta_1))
        v.assign_add(tf.multiply(tf.subtract(tf.square(gradient), v), 1 - self.beta_2))
        if self.amsgrad:
            v_hat = self._velocity_hats[self._get_variable_index(variable)].value
            v_hat.assign(tf.maximum(v_hat, v))
            v = v_hat
        variable.assign_sub(tf.divide(tf.multiply(m, alpha), tf.add(tf.sqrt(v), self.epsilon)))


class RMSprop(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        lr = tf.cast(learning_rate, variable.dtype)
        gradient = tf.cast(gradient, variable.dtype)
        velocity = self._velocities[self._get_variable_index(variable)].value
        momentum = None
        if self.momentum > 0:
            momentum = self._momentums[self._get_variable_index(variable)].value
        average_grad = None
        if self.centered:
            average_grad = self._average_gradients[self._get_variable_index(variable)].value
        rho = self.rho
        velocity.assign(tf.add(tf.multiply(rho, velocity), tf.multiply(1 - rho, tf.square(gradient))))
        if self.centered:
            average_grad.assign(tf.add(tf.multiply(rho, average_grad), tf.multiply(1 - rho, gradient)))
            denominator = velocity - tf.square(average_grad) + self.epsilon
        else:
            denominator = tf.add(velocity, self.epsilon)
        increment = tf.divide(tf.multiply(lr, gradient), tf.sqrt(denominator))
        if self.momentum > 0:
            momentum.assign(tf.add(tf.multiply(self.momentum, momentum), increment))
            variable.assign_sub(momentum)
        else:
            variable.assign_sub(increment)


class Adagrad(Optimizer):
    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator", self.initial_accumulator_value)

    def update_step(self, gradient, variable, learning_rate):
        lr = tf.cast(learning_rate, variable.dtype)
        gradient = tf.cast(gradient, variable.dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)].value
        accumulator.assign_add(tf.square(gradient))
        variable.assign_sub(tf.divide(tf.multiply(lr, gradient), tf.sqrt(tf.add(accumulator, self.epsilon))))


class Adadelta(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads = self.add_optimizer_variables(var_list, "accumulated_grad")
        self._accumulated_delta_vars = self.add_optimizer_variables(var_list, "accumulated_delta_var")

    def update_step(self, grad, variable, learning_rate):
        lr = tf.cast(learning_rate, variable.dtype)
        grad = tf.cast(grad, variable.dtype)
        rho = self.rho
        accumulated_grad = self._accumulated_grads[self._get_variable_index(variable)].value
        accumulated_delta_var = self._accumulated_delta_vars[self._get_variable_index(variable)].value
        epsilon = self.epsilon

        def rms(x):
            return tf.sqrt(tf.add(x, epsilon))

        accumulated_grad.assign(tf.add(rho * accumulated_grad, tf.multiply(1 - rho, tf.square(grad))))
        delta_var = tf.negative(tf.divide(tf.multiply(rms(accumulated_delta_var), grad), rms(accumulated_grad)))
        accumulated_delta_var.assign(
            tf.add(tf.multiply(rho, accumulated_delta_var), tf.multiply(1 - rho, tf.square(delta_var)))
        )
        variable.assign_add(tf.multiply(lr, delta_var))


class Adamax(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m = self.add_optimizer_variables(var_list, "momentum")
        self._u = self.add_optimizer_variables(var_list, "norm")

    def update_step(self, gradient, variable, learning_rate):
        lr = tf.cast(learning_rate, variable.dtype)
        gradient = tf.cast(gradient, variable.dtype)
        local_step = tf.cast(self._iterations.value + 1, variable.dtype)
        beta_1_power = tf.pow(tf.cast(self.beta_1, variable.dtype), local_step)
        m = self._m[self._get_variable_index(variable)].value
        u = self._u[self._get_variable_index(variable)].value
        m.assign_add(tf.multiply(tf.subtract(gradient, m), (1 - self.beta_1)))
        u.assign(tf.maximum(tf.multiply(self.beta_2, u), tf.abs(gradient)))
        variable.assign_sub(
            tf.divide(tf.multiply(lr, m), tf.multiply((1 - beta_1_power), tf.add(u, self.epsilon)))
        )


class Nadam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        if var_list:
            dtype = var_list[0].dtype
        else:
            dtype = tf.float32
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._u_product = Variable(_tfjit_opt.eager_scalar(1.0, dtype), "Variable", "Variable", dtype=dtype)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        u = self._u_product.value
        dtype = u.dtype
        u.assign(u * self.beta_1 * (1.0 - 0.5 * tf.pow(tf.cast(0.96, dtype), tf.cast(self._iterations.value + 1, dtype))))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        var_dtype = variable.dtype
        lr = tf.cast(learning_rate, var_dtype)
        gradient = tf.cast(gradient, var_dtype)
        local_step = tf.cast(self._iterations.value + 1, var_dtype)
        next_step = tf.cast(self._iterations.value + 2, var_dtype)
        decay = tf.cast(0.96, var_dtype)
        beta_1 = tf.cast(self.beta_1, var_dtype)
        beta_2 = tf.cast(self.beta_2, var_dtype)
        u_t = beta_1 * (1.0 - 0.5 * (tf.pow(decay, local_step)))
        u_t_1 = beta_1 * (1.0 - 0.5 * (tf.pow(decay, next_step)))
        u_product_t = tf.cast(self._u_product.value, var_dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = tf.pow(beta_2, local_step)
        m = self._momentums[self._get_variable_index(variable)].value
        v = self._velocities[self._get_variable_index(variable)].value
        m.assign_add(tf.multiply(tf.subtract(gradient, m), (1 - beta_1)))
        v.assign_add(tf.multiply(tf.subtract(tf.square(gradient), v), (1 - beta_2)))
        m_hat = tf.add(
            tf.divide(tf.multiply(u_t_1, m), 1 - u_product_t_1),
            tf.divide(tf.multiply(1 - u_t, gradient), 1 - u_product_t),
        )
        v_hat = tf.divide(v, (1 - beta_2_power))
        variable.assign_sub(tf.divide(tf.multiply(m_hat, lr), tf.add(tf.sqrt(v_hat), self.epsilon)))


class Ftrl(Optimizer):
    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if initial_accumulator_value < 0.0:
            raise ValueError(
                "`initial_accumulator_value` needs to be positive or zero. Received: initial_accumulator_value="
                + str(initial_accumulator_value) + "."
            )
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. Received: learning_rate_power="
                + str(learning_rate_power) + "."
            )
        if l1_regularization_strength < 0.0:
            raise ValueError(
                "`l1_regularization_strength` needs to be positive or zero. Received: l1_regularization_strength="
                + str(l1_regularization_strength) + "."
            )
        if l2_regularization_strength < 0.0:
            raise ValueError(
                "`l2_regularization_strength` needs to be positive or zero. Received: l2_regularization_strength="
                + str(l2_regularization_strength) + "."
            )
        if l2_shrinkage_regularization_strength < 0.0:
            raise ValueError(
                "`l2_shrinkage_regularization_strength` needs to be positive or zero. "
                "Received: l2_shrinkage_regularization_strength=" + str(l2_shrinkage_regularization_strength) + "."
            )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator", self.initial_accumulator_value)
        self._linears = self.add_optimizer_variables(var_list, "linear")

    def update_step(self, gradient, variable, learning_rate):
        lr = tf.cast(learning_rate, variable.dtype)
        gradient = tf.cast(gradient, variable.dtype)
        accum = self._accumulators[self._get_variable_index(variable)].value
        linear = self._linears[self._get_variable_index(variable)].value
        lr_power = self.learning_rate_power
        l2_reg = self.l2_regularization_strength
        l2_reg = l2_reg + self.beta / (2.0 * lr)
        grad_to_use = tf.add(gradient, tf.multiply(2 * self.l2_shrinkage_regularization_strength, variable))
        new_accum = tf.add(accum, tf.square(gradient))
        linear.assign_add(
            tf.subtract(
                grad_to_use,
                tf.multiply(tf.divide(tf.subtract(tf.pow(new_accum, -lr_power), tf.pow(accum, -lr_power)), lr), variable),
            )
        )
        quadratic = tf.add(tf.divide(tf.pow(new_accum, (-lr_power)), lr), 2 * l2_reg)
        linear_clipped = tf.clip_by_value(linear, -self.l1_regularization_strength, self.l1_regularization_strength)
        variable.assign(tf.divide(tf.subtract(linear_clipped, linear), quadratic))
        accum.assign(new_accum)
