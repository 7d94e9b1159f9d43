# unsupported: tf.io (file access)
import tensorflow as tf
print(tf.io.read_file('/etc/hostname'))
